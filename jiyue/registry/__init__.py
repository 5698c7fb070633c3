"""Site registry and lifecycle (开设整合, requirement R1).

Organizations, government site records, lifecycle applications with their review
chains, and the inventory / merge plan. Other apps use :mod:`jiyue.registry.services`.
"""
