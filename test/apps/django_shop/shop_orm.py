#!/usr/bin/env python3
"""ORM work on the shop, one scenario per run: `python shop_orm.py <scenario> [args]`.

Django is configured once per process, so the tests run each scenario in a process of
its own (with PGDATABASE, and PGOPTIONS for a branch, in the environment) and read the
JSON it prints on its last line.
"""
import json
import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsite.settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, close_old_connections, connection, transaction  # noqa: E402
from django.db.models import Count, F, Value  # noqa: E402
from django.db.models.functions import Concat  # noqa: E402

from shop.models import Counter, Post, Tag  # noqa: E402


def seed():
    """What the site has before pggit arrives."""
    tags = Tag.objects.bulk_create([Tag(name=n) for n in ("django", "postgres", "python")])
    for i in range(1, 6):
        post = Post.objects.create(title=f"post {i}", body="x" * i)
        post.tags.set(tags[: i % 3 + 1])
    Counter.objects.create(pk=1, n=0)
    return {"posts": Post.objects.count(), "tags": Tag.objects.count()}


def write():
    """Reads and writes, the ON CONFLICT ones included."""
    django_tag = Tag.objects.get(name="django")
    post = Post.objects.create(title="hello", body="world")
    post.tags.add(django_tag)
    post.tags.add(django_tag)  # INSERT ... ON CONFLICT DO NOTHING: no second row, no error
    created = Tag.objects.bulk_create(
        [Tag(name="django"), Tag(name="orm")], ignore_conflicts=True)
    Tag.objects.bulk_create(  # INSERT ... ON CONFLICT (name) DO UPDATE
        [Tag(name="orm")], update_conflicts=True, unique_fields=["name"], update_fields=["name"])
    tag, was_created = Tag.objects.get_or_create(name="sql")
    post.tags.add(tag, Tag.objects.get(name="orm"))
    Post.objects.filter(pk=post.pk).update(title=Concat(F("title"), Value("!")))
    with transaction.atomic():
        Post.objects.create(title="rolled back")
        with transaction.atomic():  # a savepoint
            Tag.objects.create(name="kept in savepoint")
        try:
            with transaction.atomic():
                Tag.objects.create(name="django")  # unique violation, rolled back to savepoint
        except django.db.IntegrityError:
            pass
        transaction.set_rollback(True)
    post.refresh_from_db()
    per_tag = dict(Tag.objects.annotate(c=Count("posts")).values_list("name", "c"))
    return {
        "title": post.title,
        "post_tags": sorted(post.tags.values_list("name", flat=True)),
        "post_tag_rows": Post.tags.through.objects.filter(post=post).count(),
        "bulk_created": len(created),
        "get_or_create_created": was_created,
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "posts": Post.objects.count(),
        "per_tag": per_tag,
        "prefetched": {p.title: sorted(t.name for t in p.tags.all())
                       for p in Post.objects.prefetch_related("tags").order_by("pk")},
    }


def lock():
    """select_for_update() in one transaction makes a second one wait for the row."""
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                Counter.objects.select_for_update().get(pk=1)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    if not held.wait(30):
        raise SystemExit("the first transaction never got its lock")
    result = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '300ms'")
            started = time.monotonic()
            Counter.objects.select_for_update().get(pk=1)
        result["second_got_lock"] = True
    except OperationalError as exc:
        result["second_got_lock"] = False
        result["waited_s"] = round(time.monotonic() - started, 3)
        result["error"] = type(exc.__cause__).__name__
        result["sqlstate"] = getattr(exc.__cause__, "sqlstate", None)
    try:
        with transaction.atomic():
            Counter.objects.select_for_update(nowait=True).get(pk=1)
        result["nowait_got_lock"] = True
    except OperationalError as exc:
        result["nowait_got_lock"] = False
        result["nowait_sqlstate"] = getattr(exc.__cause__, "sqlstate", None)
    release.set()
    thread.join()
    with transaction.atomic():  # free again once the first commits
        Counter.objects.select_for_update(nowait=True).get(pk=1)
    result["after_release_got_lock"] = True
    return result


def increment(sessions="20"):
    """Many sessions at once: UPDATE ... SET n = n + 1, each in a transaction of its own."""
    sessions = int(sessions)
    start = threading.Barrier(sessions)
    errors = []

    def bump():
        try:
            start.wait(30)
            with transaction.atomic():
                Counter.objects.filter(pk=1).update(n=F("n") + 1)
                time.sleep(0.02)  # hold the row lock a moment: the others queue behind it
        except Exception as exc:  # reported, not raised: the test shows them
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=bump) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"n": Counter.objects.get(pk=1).n, "errors": errors}


def flush():
    """manage.py flush: TRUNCATE ... RESTART IDENTITY on every table of the site."""
    call_command("flush", interactive=False, verbosity=0)
    before = {"posts": Post.objects.count(), "tags": Tag.objects.count(),
              "counters": Counter.objects.count()}
    post = Post.objects.create(title="after flush")
    with connection.cursor() as cur:
        cur.execute("TRUNCATE shop_counter")
    return {**before, "new_post_id": post.pk, "counters_after_truncate": Counter.objects.count()}


def branch_schema():
    """After the branch's migration: the new field, the index and the new model."""
    from shop.models import Comment

    post = Post.objects.create(title="on the branch")
    Comment.objects.create(post=post, text="first")
    Comment.objects.create(post=post, text="second")
    Post.objects.filter(pk=post.pk).update(views=F("views") + 5)
    post.refresh_from_db()
    return {
        "views": post.views,
        "default_views": sorted(set(Post.objects.exclude(pk=post.pk).values_list("views", flat=True))),
        "comments": list(post.comments.order_by("pk").values_list("text", flat=True)),
        "posts": Post.objects.count(),
    }


def merged_schema():
    """After a branch's rename, NOT NULL field and new model reached main."""
    from shop.models import Comment

    post = Post.objects.create(title="after the merge", content="text")
    Comment.objects.create(post=post, text="hello")
    return {"summaries": sorted(set(Post.objects.values_list("summary", flat=True))),
            "comments": list(post.comments.values_list("text", flat=True))}


if __name__ == "__main__":
    scenario, args = sys.argv[1], sys.argv[2:]
    print(json.dumps(globals()[scenario](*args), sort_keys=True))
