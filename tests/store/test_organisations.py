"""Drafts belong to an organisation: another organisation's draft behaves exactly as a missing one.
Reviewers' comments are kept per version."""

from __future__ import annotations

from datetime import timezone

import pytest

from assessor.store import LOCAL_ORG, Comment, DraftNotFound


def typed(**changes):
    data = {"applicant": {"name": "华安信达"}, "proposed_site": {"city": "武汉"}}
    data.update(changes)
    return data


def test_a_draft_saved_without_an_organisation_is_local(store):
    saved = store.save_draft(None, "草稿", typed(), "李明")
    assert saved.organisation == LOCAL_ORG == "local"
    assert store.load_draft(saved.draft_id).organisation == LOCAL_ORG
    assert [d.organisation for d in store.list_drafts()] == [LOCAL_ORG]
    assert store.load_draft(saved.draft_id, organisations=[LOCAL_ORG]) == saved


def test_each_organisation_lists_only_its_own_drafts(store):
    a = store.save_draft(None, "甲公司草稿", typed(), "alice", organisation="org-a")
    b = store.save_draft(None, "乙公司草稿", typed(), "bob", organisation="org-b")
    assert (a.organisation, b.organisation) == ("org-a", "org-b")
    assert [(d.id, d.organisation) for d in store.list_drafts(["org-a"])] == [(a.draft_id, "org-a")]
    assert [d.id for d in store.list_drafts({"org-b"})] == [b.draft_id]
    assert {d.id for d in store.list_drafts(("org-a", "org-b"))} == {a.draft_id, b.draft_id}
    assert store.list_drafts([]) == []
    assert {d.id for d in store.list_drafts()} == {a.draft_id, b.draft_id}  # None: no filter


def test_a_foreign_draft_behaves_exactly_as_a_missing_one(store):
    theirs = store.save_draft(None, "乙公司草稿", typed(), "bob", organisation="org-b")
    store.add_comment(theirs.draft_id, 1, "bob-reviewer", "请补充场地证明")
    mine = ["org-a"]

    def refusal(call) -> tuple[type, str, int | None]:
        with pytest.raises(DraftNotFound) as caught:
            call()
        return type(caught.value), caught.value.message("zh"), caught.value.version

    # Each refusal is the very one an id that never existed gets: nothing tells the two apart.
    for name, call in {
        "load_draft": lambda draft_id: store.load_draft(draft_id, mine),
        "load_version": lambda draft_id: store.load_version(draft_id, 1, mine),
        "history": lambda draft_id: store.history(draft_id, mine),
        "comments": lambda draft_id: store.comments(draft_id, mine),
        "add_comment": lambda draft_id: store.add_comment(draft_id, 1, "alice", "看看", mine),
        "delete_draft": lambda draft_id: store.delete_draft(draft_id, mine),
        "save_draft": lambda draft_id: store.save_draft(draft_id, "改", typed(), "alice", organisation="org-a"),
    }.items():
        foreign = refusal(lambda: call(theirs.draft_id))
        missing = refusal(lambda: call("0" * 32))
        assert foreign[0] is missing[0] is DraftNotFound, name
        assert foreign[1].replace(theirs.draft_id, "X") == missing[1].replace("0" * 32, "X"), name
        assert foreign[2] == missing[2], name

    # And none of those attempts changed anything of theirs.
    assert store.load_draft(theirs.draft_id) == theirs
    assert [v.version for v in store.history(theirs.draft_id)] == [1]
    assert [c.text for c in store.comments(theirs.draft_id)] == ["请补充场地证明"]


def test_a_member_of_two_organisations_reaches_both(store):
    a = store.save_draft(None, "甲", typed(), "alice", organisation="org-a")
    b = store.save_draft(None, "乙", typed(), "bob", organisation="org-b")
    both = ["org-a", "org-b"]
    assert store.load_draft(a.draft_id, both) == a
    assert store.load_version(b.draft_id, 1, both) == b
    assert [v.user for v in store.history(b.draft_id, both)] == ["bob"]


def test_saving_keeps_the_draft_in_its_organisation(store):
    first = store.save_draft(None, "甲", typed(), "alice", organisation="org-a")
    second = store.save_draft(first.draft_id, "甲", typed(x=1), "carol", organisation="org-a")
    assert second.version == 2 and second.organisation == "org-a"
    assert store.load_version(first.draft_id, 1, ["org-a"]).organisation == "org-a"
    with pytest.raises(DraftNotFound):
        store.save_draft(first.draft_id, "甲", typed(x=2), "mallory")  # the local organisation is another one
    assert store.load_draft(first.draft_id).version == 2


def test_deleting_within_the_organisation_removes_versions_and_comments(store):
    saved = store.save_draft(None, "甲", typed(), "alice", organisation="org-a")
    store.add_comment(saved.draft_id, 1, "rita", "好")
    store.delete_draft(saved.draft_id, ["org-a"])
    assert store.list_drafts() == []
    with pytest.raises(DraftNotFound):
        store.comments(saved.draft_id)


def test_reviewers_comment_on_a_version_and_read_them_oldest_first(store):
    first = store.save_draft(None, "甲", typed(), "alice", organisation="org-a")
    store.save_draft(first.draft_id, "甲", typed(x=1), "alice", organisation="org-a")
    one = store.add_comment(first.draft_id, 1, "  rita ", "  第1版：坐席数不对  ", ["org-a"])
    two = store.add_comment(first.draft_id, 2, "rita", "第2版已改正", ["org-a"])
    assert isinstance(one, Comment)
    assert (one.draft_id, one.version, one.user, one.text) == (first.draft_id, 1, "rita", "第1版：坐席数不对")
    assert one.created_at.tzinfo is timezone.utc and one.created_at <= two.created_at
    assert store.comments(first.draft_id, ["org-a"]) == [one, two]
    with pytest.raises(AttributeError):
        one.text = "改过"  # frozen: a comment once made is as it was made


def test_a_comment_needs_text_and_an_existing_version(store):
    saved = store.save_draft(None, "甲", typed(), "alice")
    with pytest.raises(ValueError):
        store.add_comment(saved.draft_id, 1, "rita", "   ")
    with pytest.raises(DraftNotFound) as caught:
        store.add_comment(saved.draft_id, 2, "rita", "第2版？")
    assert caught.value.version == 2
    assert store.comments(saved.draft_id) == []


def test_one_organisation_name_is_not_mistaken_for_its_letters(store):
    saved = store.save_draft(None, "甲", typed(), "alice", organisation="a")
    with pytest.raises(TypeError):
        store.list_drafts("abc")
    assert store.load_draft(saved.draft_id, ["a"]).organisation == "a"
