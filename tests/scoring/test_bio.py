"""BIO tags → spans: parity with seqeval 1.2.2 (default and strict IOB2 modes) on random tag sequences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities

from rukp.scoring.bio import bio_to_spans, parse_tag, tags_to_spans

TAGS = st.lists(st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-A-B", "I-A-B"]), max_size=30)


@settings(max_examples=400, deadline=None)
@given(TAGS)
def test_default_mode_equals_seqeval_get_entities(tags: list[str]) -> None:
    expected = [(start, end + 1, label) for label, start, end in get_entities(tags)]  # seqeval: inclusive end
    assert tags_to_spans(tags) == expected


@settings(max_examples=400, deadline=None)
@given(TAGS)
def test_iob2_mode_equals_seqeval_strict_iob2(tags: list[str]) -> None:
    entities = Entities([tags], IOB2).entities[0]
    expected = sorted((e.start, e.end, e.tag) for e in entities)  # seqeval strict: exclusive end
    assert tags_to_spans(tags, mode="iob2") == expected


@settings(max_examples=200, deadline=None)
@given(TAGS)
def test_iob2_chunks_are_a_subset_of_default_chunks_and_spans_are_ordered(tags: list[str]) -> None:
    default = tags_to_spans(tags)
    strict = tags_to_spans(tags, mode="iob2")
    assert set(strict) <= set(default)
    assert default == sorted(default)
    assert all(a_end <= b_start for (_, a_end, _), (b_start, _, _) in zip(default, default[1:], strict=False))


def test_stray_inside_tag_starts_a_chunk_only_in_default_mode() -> None:
    tags = ["O", "I-PER", "I-PER", "O"]
    assert tags_to_spans(tags) == [(1, 3, "PER")]
    assert tags_to_spans(tags, mode="iob2") == []
    assert [s.label for s in bio_to_spans(tags)] == ["PER"]


@pytest.mark.parametrize("tag", ["B", "I-", "E-PER", "S-PER", "b-PER", "", "PER"])
def test_invalid_tags_are_refused_with_their_position(tag: str) -> None:
    with pytest.raises(ValueError, match=f"token 1: tag {tag!r} is not O, B-<type> or I-<type>"):
        tags_to_spans(["O", tag])
    with pytest.raises(ValueError):
        parse_tag(tag)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode='iobes' is not one of default, iob2"):
        tags_to_spans(["O"], mode="iobes")
