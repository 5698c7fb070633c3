"""The unified information resource library (统一信息资源库, requirement R2–R5).

Every piece of content enters the library once, goes through review, and is shown by
reference in columns of one or more sites (rule: LIB-1, LIB-3). Public functions live
in :mod:`jiyue.library.services`.
"""
