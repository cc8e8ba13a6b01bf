"""`sluice schema` against the recipes sluice ships and accepts (CTest: python/api).

The schema must accept every recipe the repository ships (the built-in default and
the samples/bench recipes, which `sluice validate` accepts too) and reject what
`sluice validate` rejects: an unknown key, a value out of range, a wrong type, an
unknown stage type, a choice that is not offered. Checked with the `jsonschema`
package (Debian's python3-jsonschema), Draft 2020-12.
"""
import glob
import json
import os
import subprocess

import jsonschema
import pytest
import yaml

BIN = os.environ["SLUICE_BINARY"]
SRC = os.environ["SLUICE_SOURCE_DIR"]


@pytest.fixture(scope="module")
def validator():
    out = subprocess.run([BIN, "schema"], check=True, capture_output=True, text=True).stdout
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def shipped_recipes():
    paths = [os.path.join(SRC, "pipelines", "recipes", "default.yaml")]
    for pattern in ("samples/recipes/*.yaml", "bench/*/*.yaml"):
        paths += sorted(glob.glob(os.path.join(SRC, pattern)))
    return paths


def validate_cli(path):
    return subprocess.run([BIN, "validate", "-q", path], capture_output=True, text=True).returncode


def test_every_shipped_recipe_is_valid(validator):
    paths = shipped_recipes()
    assert len(paths) >= 5
    for path in paths:
        with open(path) as f:
            doc = yaml.safe_load(f)
        errors = [e.message for e in validator.iter_errors(doc)]
        assert errors == [], path
        assert validate_cli(path) == 0, path


def test_every_stage_type_is_a_branch(validator):
    listed = subprocess.run([BIN, "stages"], check=True, capture_output=True, text=True).stdout
    types = {line.split()[0] for line in listed.splitlines() if line and not line.startswith(" ")}
    branches = validator.schema["properties"]["stages"]["items"]["oneOf"]
    assert {b["properties"]["type"]["const"] for b in branches} == types
    for b in branches:
        assert b["additionalProperties"] is False


BAD = [
    ("unknown top-level key", {"stages": [], "stagse": []}),
    ("unknown input key", {"input": {"text_field": "body"}, "stages": []}),
    ("input.max_record_bytes below its range", {"input": {"max_record_bytes": 100}, "stages": []}),
    ("input.text_mode not a choice", {"input": {"text_mode": "sentence"}, "stages": []}),
    ("output.format not a choice", {"output": {"format": "parquet"}, "stages": []}),
    ("output.max_file_bytes below 2 MiB", {"output": {"max_file_bytes": 4096}, "stages": []}),
    ("unknown stage type", {"stages": [{"type": "gopher_qualty"}]}),
    ("unknown stage option", {"stages": [{"type": "gopher_quality", "min_word": 50}]}),
    ("option of the wrong type", {"stages": [{"type": "gopher_quality", "min_words": "fifty"}]}),
    ("option out of range", {"stages": [{"type": "language_id", "min_score": 2}]}),
    ("per_language key that is not an option", {"stages": [{"type": "gopher_quality",
                                                           "per_language": {"ru": {"min_wrds": 5}}}]}),
    ("stage without a type", {"stages": [{"name": "x"}]}),
]


@pytest.mark.parametrize("what,doc", BAD, ids=[b[0] for b in BAD])
def test_invalid_recipes_are_rejected_by_both(validator, what, doc, tmp_path):
    assert list(validator.iter_errors(doc)), what
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    assert validate_cli(str(path)) != 0, what


def test_per_language_overrides_are_typed(validator, tmp_path):
    good = {"stages": [{"type": "gopher_quality", "per_language": {"ru": {"min_words": 30}},
                        "per_script": {"Thai": {"min_words": 20}}}]}
    assert [e.message for e in validator.iter_errors(good)] == []
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(good))
    assert validate_cli(str(path)) == 0
