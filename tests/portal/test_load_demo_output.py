"""``manage.py load_demo`` keeps ``make run``'s output short (issue 8 item 12): a progress
bar on a terminal while the city loads, nothing when the output is not a terminal, and
no log line per page, revision or cache purge."""

import io
import logging

from jiyue.demo.management.commands.load_demo import ProgressLine, quiet_logger


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_redraws_one_line_on_a_terminal_and_clears_it():
    terminal = Terminal()
    with ProgressLine(terminal, 4, "载入演示城市") as bar:
        for name in ("北京市人民政府门户网站", "北京市发展和改革委员会网站", "甲", "乙"):
            bar.step(name)
    written = terminal.getvalue()
    assert "\n" not in written
    assert written.count("\r载入演示城市 [") == 4
    assert "] 2/4 北京市发展和改革委员会网站" in written
    assert "[" + "#" * ProgressLine.width + "] 4/4 乙" in written
    assert written.endswith("\r\x1b[K")


def test_no_progress_bar_when_the_output_is_not_a_terminal():
    captured = io.StringIO()
    with ProgressLine(captured, 2, "载入演示城市") as bar:
        bar.step("甲")
        bar.step("乙")
    assert captured.getvalue() == ""


def test_quiet_logger_drops_info_lines_for_the_block_only(caplog):
    logger = logging.getLogger("wagtail")
    with caplog.at_level(logging.INFO):
        with quiet_logger("wagtail"):
            logger.info('Published: "x" pk=1 revision_id=1')
            logger.warning("a warning still shows")
        logger.info("after the block")
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["a warning still shows", "after the block"]
