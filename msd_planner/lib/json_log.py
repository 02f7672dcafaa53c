"""One JSON object per log line, for the log collector in production (plain: named in
``settings.LOGGING`` and imported before the apps load)."""

import json
import logging
from datetime import UTC, datetime

# What every LogRecord carries; anything else on a record came through ``extra=``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None)).keys()
) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", …}``: the fields a caller passed with
    ``extra=`` beside them (a request as its method and path), and the traceback as
    ``exception``. Never more than one line: newlines inside values are escaped."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _RECORD_ATTRIBUTES or key.startswith("_") or key in entry:
                continue
            entry[key] = _plain(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _plain(key: str, value: object) -> object:
    if key == "request" and hasattr(value, "method") and hasattr(value, "path"):
        return {"method": value.method, "path": value.path}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | dict):
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            return str(value)
        return value
    return str(value)
