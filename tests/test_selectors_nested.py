"""The nested reads follow the section registry: every section that is not flat is read."""

from profiles import sections as registry
from profiles.selectors import nested


def test_every_nested_section_is_read_by_a_query_of_its_own_or_with_its_container():
    own = {s.key for s in nested._read_order()}
    joined = {s.key for s in nested.NESTED_SECTIONS if nested._is_joined(s)}
    assert own | joined == {s.key for s in registry.SECTIONS if not s.flat}
    assert not own & joined


def test_a_section_is_read_after_the_sections_that_hold_its_items():
    order = [s.key for s in nested._read_order()]
    for section in nested._read_order():
        for parent in section.parents:
            if parent.section != section.key and not section.has_profile:
                assert order.index(parent.section) < order.index(section.key)


def test_each_section_has_at_most_one_joined_relation_and_its_lists_start_empty():
    for section in registry.SECTIONS:
        nested._join_of(section)  # raises when two relations would be joined
        attrs = nested._lists_of(section.key)
        assert set(attrs) >= {p.attr for _child, p in registry.children(section)}
