"""Dates and numbers as each language writes them, from CLDR (through babel), for every
part of Django that formats: ``|date``, ``{% localize %}``, ``formats.date_format`` and
the admin read the modules of this package (``FORMAT_MODULE_PATH``).

One form a language, unambiguous wherever it appears: the day, the month in letters,
the year ("1 Feb 2026", "1 févr. 2026", "1 feb 2026"; CLDR's medium date), and a time
on the 24-hour clock ("14:05"; English as CLDR writes it for en_GB, the English read
in most of the plans' countries). A numeric short date ("02/01/2026") reads as January
in one country and February in the next, so SHORT_DATE_FORMAT is the same medium date.
``tests/msd_planner/test_formats.py`` checks every format against CLDR, month by month.

Django's month abbreviations come from gettext catalogs that are not CLDR's (French
"fév" for "févr.", Spanish "sep" for "sept"), and a project catalog can shadow its
month names (the word "May" in a column header, translated as a verb): the month
tables Django formats with are made CLDR's when the project starts
(``msd_planner.lib.dates.use_cldr_month_names``, called by the kernel's app).
"""
