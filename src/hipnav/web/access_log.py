"""An access log that keeps no personal data: method, path and status, for ``hipnav serve
--access-log``. The query string (a person's answers) and the client's address are dropped."""

from __future__ import annotations

import logging
from copy import copy

from uvicorn.logging import AccessFormatter


class PathOnlyFormatter(AccessFormatter):
    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record = copy(record)
        _client, method, full_path, version, status = record.args  # type: ignore[misc]
        record.args = ("-", method, str(full_path).split("?", 1)[0], version, status)
        return super().formatMessage(record)
