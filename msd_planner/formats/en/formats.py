# English as CLDR writes it for en_GB: "1 Feb 2026", "1 Feb 2026, 14:05" (see the
# package's docstring). USE_THOUSAND_SEPARATOR stays off: the separators below serve
# where grouping is asked for (the ``number`` filter groups through babel).
DATE_FORMAT = "j b Y"  # d MMM y
TIME_FORMAT = "H:i"  # HH:mm
DATETIME_FORMAT = "j b Y, H:i"  # {1}, {0}
YEAR_MONTH_FORMAT = "F Y"  # MMMM y
MONTH_DAY_FORMAT = "j b"  # d MMM
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
