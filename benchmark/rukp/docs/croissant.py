"""``croissant.json``: MLCommons Croissant 1.0 metadata with the Responsible-AI (RAI 1.0) fields.

Every file of the dataset is a ``cr:FileObject`` with its SHA-256; every config is a ``cr:RecordSet`` whose fields
are generated from :func:`rukp.dataset.features.features`, so the two cannot drift. Two reader quirks shape the
fields: Croissant readers built on pandas (``mlcroissant``) parse JSON Lines with type inference, which turns the
three-digit document ids (``"000"``) into integers and the column named ``date`` into a timestamp. So the
document id is read from the string that defines it (the seed file name, or the row's ``<doc>-E<nnn>`` or
``<doc>-<index>`` id) with a regex, ``date`` is typed ``sc:Date``, and the ``ner`` config, which has no other
string carrying the id, types ``doc_id`` as ``sc:Integer`` and says so in its description.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from datasets import ClassLabel, List, Value

from rukp import __version__, paths
from rukp.dataset.card import CARD_METADATA, DATA_PATH
from rukp.dataset.features import CONFIGS, features
from rukp.docs import statements
from rukp.docs.citation import Citation
from rukp.docs.fields import describe
from rukp.docs.figures import Figures
from rukp.docs.tables import agreement_summary
from rukp.errors import RukpError

CROISSANT_FILE = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"

#: The JSON-LD context of Croissant 1.0 (as published with the specification), with the RAI prefix.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "equivalentProperty": "cr:equivalentProperty",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_DTYPES = {"string": "sc:Text", "int32": "sc:Integer", "int64": "sc:Integer", "float32": "sc:Float",
           "float64": "sc:Float", "bool": "sc:Boolean", "date32": "sc:Date"}
#: Columns read from another column through a regex (see the module docstring).
_FROM_REGEX: dict[tuple[str, str], tuple[str, str]] = {
    ("documents", "id"): ("seed", r"^([0-9]{3})_"),
    ("entities", "doc_id"): ("id", r"^([0-9]{3})-E"),
    ("claims", "doc_id"): ("id", r"^([0-9]{3})-C"),
    ("sentences", "doc_id"): ("id", r"^([0-9]{3})-[0-9]"),
}
_DATATYPE: dict[tuple[str, str], str] = {("documents", "date"): "sc:Date", ("ner", "doc_id"): "sc:Integer"}
_NOTES: dict[tuple[str, str], str] = {
    ("ner", "doc_id"): " Stored as the string '000'…; typed sc:Integer here because pandas-based Croissant "
                       "readers parse it as an integer (format it with f'{doc_id:03d}').",
}
#: Record keys of each config.
_KEYS: dict[str, tuple[str, ...]] = {"documents": ("id",), "entities": ("id",), "claims": ("id",),
                                     "kb": ("entity_id",), "ner": ("doc_id", "sentence"),
                                     "sentences": ("id",)}
#: Files of the source layers, described with their SHA-256 but not as record sets (relative to the root).
SOURCE_GLOBS: tuple[str, ...] = ("seeds/*.txt", "seeds/MANIFEST.json", "seeds/metadata.json",
                                 "corpus/documents.jsonl", "annotations/GUIDELINES.md", "annotations/FORMAT.md",
                                 "annotations/*.jsonl", "annotations/manifest.json", "annotations/agreement.json",
                                 "annotations/raw/README.md", "annotations/raw/*/*.json", "annotations/raw/*/*.jsonl",
                                 "annotations/adjudication/*.json", "annotations/adjudication/*.jsonl")
_FORMATS = {".jsonl": "application/jsonlines", ".json": "application/json", ".txt": "text/plain",
            ".md": "text/markdown"}


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file_id(rel: str) -> str:
    return rel.replace("/", "-").replace(".", "-")


def file_object(root: Path, rel: str, description: str) -> dict[str, Any]:
    """A ``cr:FileObject`` for the file ``rel`` (relative to the root) with its size and SHA-256."""
    path = root / rel
    if not path.is_file():
        raise RukpError("file to describe in croissant.json is missing", path=path)
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise RukpError(f"no encoding format known for {path.suffix!r} files", path=path)
    return {"@type": "cr:FileObject", "@id": _file_id(rel), "name": rel, "description": description,
            "contentUrl": rel, "contentSize": f"{path.stat().st_size} B", "encodingFormat": fmt,
            "sha256": sha256_file(path)}


def _source(config: str, column: str, json_path: str | None = None,
            regex: str | None = None) -> dict[str, Any]:
    src: dict[str, Any] = {"fileObject": {"@id": _file_id(f"{DATA_PATH}/{config}.jsonl")},
                           "extract": {"column": column}}
    if json_path:
        src["transform"] = {"jsonPath": json_path}
    elif regex:
        src["transform"] = {"regex": regex}
    return src


def _leaf(feature: Any, where: str) -> tuple[str, bool]:
    """(Croissant dataType, repeated) of a leaf feature."""
    if isinstance(feature, List):
        inner, _ = _leaf(feature.feature, where)
        return inner, True
    if isinstance(feature, ClassLabel):
        return "sc:Integer", False
    if isinstance(feature, Value) and feature.dtype in _DTYPES:
        return _DTYPES[feature.dtype], False
    raise RukpError(f"no Croissant data type for column {where} ({feature!r})")


def _description(config: str, path: tuple[str, ...], feature: Any) -> str:
    text = describe(config, path) or ""
    inner = feature.feature if isinstance(feature, List) else feature
    if isinstance(inner, ClassLabel):
        text += " Class names by id: " + ", ".join(f"{i}={n}" for i, n in enumerate(inner.names)) + "."
    return text + _NOTES.get((config, ".".join(path)), "")


def record_fields(config: str) -> list[dict[str, Any]]:
    """The ``cr:Field`` list of a config, generated from its ``datasets.Features``."""
    out = []
    for name, feature in features(config).items():
        fid = f"{config}/{name}"
        base = {"@type": "cr:Field", "@id": fid, "name": name,
                "description": _description(config, (name,), feature)}
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, dict):
            subs = []
            for sub, sub_feature in inner.items():
                subs += _sub_fields(config, name, (sub,), sub_feature)
            out.append({**base, **({"repeated": True} if isinstance(feature, List) else {}), "subField": subs})
            continue
        dtype, repeated = _leaf(feature, fid)
        column, regex = _FROM_REGEX.get((config, name), (name, None))
        field = {**base, "dataType": _DATATYPE.get((config, name), dtype),
                 "source": _source(config, column, regex=regex)}
        if repeated:
            field["repeated"] = True
        out.append(field)
    return out


def _sub_fields(config: str, column: str, path: tuple[str, ...], feature: Any) -> list[dict[str, Any]]:
    """Leaf sub-fields of a struct column, read with a JSON path (a nested struct is flattened: ``quantity/value``)."""
    if isinstance(feature, dict):
        return [f for k, v in feature.items() for f in _sub_fields(config, column, (*path, k), v)]
    fid = f"{config}/{column}/" + "/".join(path)
    dtype, is_list = _leaf(feature, fid)
    field = {"@type": "cr:Field", "@id": fid, "name": ".".join(path),
             "description": _description(config, (column, *path), feature), "dataType": dtype,
             "source": _source(config, column, json_path=".".join(path))}
    if is_list:
        field["repeated"] = True
    return [field]


def record_set(config: str, rows: int) -> dict[str, Any]:
    """The ``cr:RecordSet`` of one config."""
    keys = [{"@id": f"{config}/{k}"} for k in _KEYS[config]]
    return {"@type": "cr:RecordSet", "@id": config, "name": config,
            "description": f"{statements.CONFIG_DESCRIPTIONS[config]} {rows} records (split `test`).",
            "key": keys[0] if len(keys) == 1 else keys, "field": record_fields(config)}


def croissant(fig: Figures, citation: Citation, counts: dict[str, int], root: Path | None = None) -> dict[str, Any]:
    """The full Croissant document as a JSON-ready dict (``counts``: records per config)."""
    root = root or paths.repo_root()
    views = [file_object(root, f"{DATA_PATH}/{c}.jsonl", f"The `{c}` config (split `test`), JSON Lines.")
             for c in CONFIGS]
    sources = []
    for pattern in SOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            sources.append(file_object(root, rel, statements.source_file_description(rel)))
    dropped = sum(len(c["dropped"]) for c in fig.corpus)
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": "rukp-fr",
        "description": statements.summary(fig),
        "alternateName": CARD_METADATA["pretty_name"],
        "version": __version__,
        "license": ["https://creativecommons.org/licenses/by/4.0/", "https://www.apache.org/licenses/LICENSE-2.0"],
        "citeAs": citation.bibtex(),
        "creator": [{"@type": "sc:Organization", "name": a} for a in citation.authors],
        "inLanguage": list(CARD_METADATA["language"]),
        "keywords": list(CARD_METADATA["tags"]),
        "isAccessibleForFree": True,
        "distribution": views + sources,
        "recordSet": [record_set(c, counts[c]) for c in CONFIGS],
        "rai:dataCollection": statements.data_collection(fig),
        "rai:dataCollectionType": ["Manual Human Curator"],
        "rai:dataCollectionRawData": statements.RAW_DATA,
        "rai:dataCollectionMissingData": statements.missing_data(fig),
        "rai:dataPreprocessingProtocol": [statements.preprocessing(dropped)],
        "rai:dataManipulationProtocol": statements.MANIPULATION,
        "rai:dataImputationProtocol": statements.IMPUTATION,
        "rai:dataAnnotationProtocol": [statements.annotation_protocol(fig)],
        "rai:dataAnnotationPlatform": [statements.ANNOTATION_PLATFORM],
        "rai:dataAnnotationAnalysis": [agreement_summary(fig.agreement), statements.adjudication_summary(fig)],
        "rai:annotationsPerItem": statements.annotations_per_item(fig),
        "rai:annotatorDemographics": [statements.annotators(fig)],
        "rai:machineAnnotationTools": list(statements.MACHINE_TOOLS),
        "rai:dataUseCases": list(statements.USE_CASES),
        "rai:dataBiases": statements.biases(fig),
        "rai:dataLimitations": statements.limitations(fig),
        "rai:dataSocialImpact": statements.SOCIAL_IMPACT,
        "rai:personalSensitiveInformation": [statements.personal_information(fig)],
        "rai:dataReleaseMaintenancePlan": statements.MAINTENANCE,
    }
    if citation.date_released:
        doc["datePublished"] = citation.date_released
    return doc
