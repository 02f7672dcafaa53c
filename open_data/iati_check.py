"""Whether an IATI activity file holds: valid against the official 2.03 schema, and every
coded value in its codelist (the schema does not check codes: ``mapping.xml`` says which
list applies to which path, as IATI's own checker reads it).

The schema, the lists and the mapping ship in ``open_data/data/iati/`` (their README
names their source); they are read once per process. A path the file uses whose list is
not shipped is a problem too: nothing is skipped in silence."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

DATA = Path(__file__).resolve().parent / "data" / "iati"
SCHEMA = DATA / "schema" / "iati-activities-schema.xsd"


@dataclass(frozen=True)
class Codelist:
    name: str
    codes: frozenset[str]  # the active ones: a withdrawn code is not for new data
    withdrawn: frozenset[str]


@dataclass(frozen=True)
class Mapping:
    path: str
    codelist: str
    condition: str | None

    @property
    def xpath(self) -> str:
        """The path, with the condition on the element that holds the code."""
        if not self.condition:
            return self.path
        element, _slash, value = self.path.rpartition("/")
        return f"{element}[{self.condition}]/{value}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(no_network=True, resolve_entities=False)


@cache
def schema() -> etree.XMLSchema:
    """The IATI 2.03 activities schema, read once per process (nothing fetched)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA), _parser()))


@cache
def mappings() -> tuple[Mapping, ...]:
    """The mappings of activity files (not those of organisation files)."""
    tree = etree.parse(str(DATA / "mapping.xml"), _parser())
    found = []
    for mapping in tree.iter("mapping"):
        path = mapping.findtext("path") or ""
        if path.startswith("//iati-organisation"):
            continue
        listed = mapping.find("codelist")
        name = listed.get("ref", "") if listed is not None else ""
        found.append(Mapping(path, name, mapping.findtext("condition")))
    return tuple(found)


@cache
def codelist(name: str) -> Codelist | None:
    """A shipped codelist, or None when it is not shipped."""
    path = DATA / "codelists" / f"{name}.xml"
    if not path.exists():
        return None
    active: set[str] = set()
    withdrawn: set[str] = set()
    for item in etree.parse(str(path), _parser()).iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        (withdrawn if item.get("status") == "withdrawn" else active).add(code)
    return Codelist(name, frozenset(active), frozenset(withdrawn))


def problems(xml: bytes) -> list[str]:
    """What is wrong with an IATI activity file: the schema's errors, then each coded
    value that is not an active code of its list. Empty: the file holds."""
    try:
        document = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as error:
        return [f"not XML: {error}"]
    checker = schema()
    if not checker.validate(document):
        return [f"line {error.line}: {error.message}" for error in checker.error_log]
    found = []
    for mapping in mappings():
        values = document.xpath(mapping.xpath)
        if not values:
            continue
        codes = codelist(mapping.codelist)
        if codes is None:
            found.append(f"{mapping.path}: the {mapping.codelist} codelist is not shipped")
            continue
        for value in values:
            if str(value) in codes.withdrawn:
                found.append(f"{mapping.path}: {value} is withdrawn from {mapping.codelist}")
            elif str(value) not in codes.codes:
                found.append(f"{mapping.path}: {value} is not in {mapping.codelist}")
    return found


class InvalidIati(Exception):
    def __init__(self, found: list[str]) -> None:
        super().__init__("\n".join(found))
        self.problems = found


def check(xml: bytes) -> bytes:
    """``xml`` if it holds; ``InvalidIati`` with what is wrong otherwise."""
    if found := problems(xml):
        raise InvalidIati(found)
    return xml
