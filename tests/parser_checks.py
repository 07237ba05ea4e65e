"""Shared by the derive.parser tests: a refusal is a ValueError with a one-line message."""


def assert_one_line(err):
    message = str(err)
    assert message, "ValueError without a message"
    assert len(message.splitlines()) == 1 and "\n" not in message and "\r" not in message, (
        f"message is not one line: {message!r}")
