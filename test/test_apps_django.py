"""A Django site (test/apps/django_shop) on a database under pggit.

On main after init() the site, its ORM and its management commands behave exactly as
before (every main test also runs before init, as the control). On a branch, reached
through PGOPTIONS = pggit.connection_options(branch), makemigrations and migrate change
the branch only.
"""

import psycopg
import pytest

from apps_support import (DJANGO_APP, STAGES, Template, branch, clone_at_stage, columns, copy_app,
                          django_orm, edit, manage, relations)
from conftest import connect


@pytest.fixture(scope="module")
def site(server):
    """The shop migrated and seeded by Django, before pggit is anywhere near it."""
    def prepare(dbname):
        manage(server, dbname, "migrate", "--noinput")
        django_orm(server, dbname, "seed")

    template = Template(server, prepare)
    yield template
    template.close()


@pytest.fixture(params=STAGES)
def shop(request, site):
    """A copy of the seeded site; the extension created, and init() run after_init."""
    conn = clone_at_stage(site, request.param)
    yield conn
    site.drop_clones()


# --- main, after init() ------------------------------------------------------------


def test_orm_reads_and_writes(server, shop):
    got = django_orm(server, shop.info.dbname, "write")
    assert got["title"] == "hello!"
    assert got["post_tags"] == ["django", "orm", "sql"]
    assert got["post_tag_rows"] == 3  # the second add() of the same tag added nothing
    assert got["get_or_create_created"] is True
    assert got["tags"] == ["django", "orm", "postgres", "python", "sql"]  # the savepoints' tags rolled back
    assert got["posts"] == 6
    assert got["per_tag"] == {"django": 6, "postgres": 4, "python": 2, "orm": 1, "sql": 1}
    assert got["prefetched"]["hello!"] == ["django", "orm", "sql"]
    # and the rows are in the tables an application on main sees
    assert shop.execute("SELECT count(*) FROM public.shop_post_tags t JOIN public.shop_post p "
                        "ON p.id = t.post_id WHERE p.title = 'hello!'").fetchone()[0] == 3


def test_select_for_update_makes_a_second_session_wait(server, shop):
    got = django_orm(server, shop.info.dbname, "lock")
    assert got["second_got_lock"] is False, got
    assert got["sqlstate"] == "55P03" and got["error"] == "LockNotAvailable", got
    assert got["waited_s"] >= 0.25, got  # it waited for lock_timeout, it was not refused outright
    assert got["nowait_got_lock"] is False and got["nowait_sqlstate"] == "55P03", got
    assert got["after_release_got_lock"] is True


def test_concurrent_f_increments_are_all_counted(server, shop):
    got = django_orm(server, shop.info.dbname, "increment", "20")
    assert got == {"n": 20, "errors": []}
    assert shop.execute("SELECT n FROM public.shop_counter WHERE id = 1").fetchone()[0] == 20


def test_flush_truncates_and_restarts_identities(server, shop):
    got = django_orm(server, shop.info.dbname, "flush")
    assert got == {"posts": 0, "tags": 0, "counters": 0, "new_post_id": 1, "counters_after_truncate": 0}
    assert shop.execute("SELECT count(*) FROM public.shop_post").fetchone()[0] == 1


def test_inspectdb_sees_the_tables_and_their_primary_keys(server, shop):
    tables = ["shop_post", "shop_tag", "shop_counter", "shop_post_tags"]
    out = manage(server, shop.info.dbname, "inspectdb", *tables).stdout
    models = {}
    for chunk in out.split("\nclass ")[1:]:
        name, body = chunk.split("(", 1)
        models[name] = body
    assert set(models) == {"ShopPost", "ShopTag", "ShopCounter", "ShopPostTags"}, out
    for name, body in models.items():
        assert "primary_key=True" in body, f"{name} has no primary key:\n{body}"
    assert "title = models.CharField(max_length=200)" in models["ShopPost"]
    assert "name = models.CharField(unique=True, max_length=50)" in models["ShopTag"]
    assert "post = models.ForeignKey(ShopPost, models.DO_NOTHING)" in models["ShopPostTags"]
    assert "unique_together = (('post', 'tag'),)" in models["ShopPostTags"]
    # all of them, in public, without naming them
    listed = manage(server, shop.info.dbname, "inspectdb").stdout
    for model in ("ShopPost", "ShopTag", "ShopCounter", "ShopPostTags", "DjangoMigrations",
                  "AuthUser", "DjangoContentType"):
        assert f"\nclass {model}(models.Model):" in listed


def test_showmigrations_shows_everything_applied(server, shop):
    out = manage(server, shop.info.dbname, "showmigrations").stdout
    lines = [line.strip() for line in out.splitlines() if line.startswith(" ")]
    assert lines and all(line.startswith("[X]") for line in lines), out
    assert "[X] 0001_initial" in lines
    # and nothing to migrate, nothing Django would write
    assert "No migrations to apply." in manage(server, shop.info.dbname, "migrate", "--noinput").stdout
    manage(server, shop.info.dbname, "makemigrations", "--check", "--dry-run")


# --- a branch --------------------------------------------------------------------------

NEW_FIELD = '''    tags = models.ManyToManyField(Tag, related_name="posts", blank=True)
'''
NEW_FIELD_AND_INDEX = '''    tags = models.ManyToManyField(Tag, related_name="posts", blank=True)
    views = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["title"], name="shop_post_title_idx")]
'''
NEW_MODEL = '''

class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
'''


def changed_site(tmp_path):
    """A copy of the site whose models have a new field, an index and a new model."""
    app = copy_app(DJANGO_APP, tmp_path)
    models = app / "shop" / "models.py"
    edit(models, NEW_FIELD, NEW_FIELD_AND_INDEX)
    models.write_text(models.read_text() + NEW_MODEL)
    return app


@pytest.fixture
def inited(site):
    conn = clone_at_stage(site, "after_init")
    yield conn
    site.drop_clones()


def test_a_branch_copies_django_s_deferred_foreign_keys(inited):
    """Django makes every foreign key DEFERRABLE INITIALLY DEFERRED; create_branch copies
    the rows of such tables and binds the keys to the branch's own tables."""
    schema = inited.execute("SELECT pggit.create_branch('feature')").fetchone()[0]
    for table in ("shop_post", "shop_tag", "shop_post_tags", "auth_permission", "django_content_type"):
        assert (inited.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
                == inited.execute(f'SELECT count(*) FROM public."{table}"').fetchone()[0] > 0), table
    keys = inited.execute("""
        SELECT conrelid::regclass::text, confrelid::regclass::text, condeferrable, condeferred
          FROM pg_constraint WHERE contype = 'f' AND connamespace = %s::regnamespace
           AND conrelid = to_regclass(format('%%I.shop_post_tags', %s::text)) ORDER BY 2""",
                          (schema, schema)).fetchall()
    assert keys == [(f"{schema}.shop_post_tags", f"{schema}.shop_post", True, True),
                    (f"{schema}.shop_post_tags", f"{schema}.shop_tag", True, True)]


def test_a_migration_on_a_branch_changes_the_branch_only(server, inited, tmp_path):
    db = inited.info.dbname
    main_ledger = inited.execute("SELECT app, name FROM public.django_migrations ORDER BY id").fetchall()
    main_post = columns(inited, "public", "shop_post")
    main_relations = relations(inited, "public")
    schema, options = branch(inited, "feature")

    app = changed_site(tmp_path)

    made = manage(server, db, "makemigrations", "shop", "--name", "views_comments", app=app, options=options)
    assert "0002_views_comments.py" in made.stdout, made.stdout
    migration = (app / "shop" / "migrations" / "0002_views_comments.py").read_text()
    for op in ("migrations.CreateModel(", "name='Comment'", "migrations.AddField(", "name='views'",
               "migrations.AddIndex(", "name='shop_post_title_idx'"):
        assert op in migration, migration
    shown = manage(server, db, "sqlmigrate", "shop", "0002", app=app, options=options).stdout
    assert 'CREATE TABLE "shop_comment"' in shown

    migrated = manage(server, db, "migrate", "--noinput", app=app, options=options)
    assert "Applying shop.0002_views_comments... OK" in migrated.stdout, migrated.stdout

    # the branch's ORM has the new schema, and the branch's copies of main's rows
    got = django_orm(server, db, "branch_schema", app=app, options=options)
    assert got == {"views": 5, "default_views": [0], "comments": ["first", "second"], "posts": 6}
    branch_shown = manage(server, db, "showmigrations", "shop", app=app, options=options).stdout
    assert "[X] 0002_views_comments" in branch_shown
    assert "No changes detected" in manage(server, db, "makemigrations", "--check", "--dry-run",
                                           app=app, options=options).stdout

    # the branch's schema holds the change, its own ledger included
    with connect(server, db) as plain:
        assert "views" in columns(plain, schema, "shop_post")
        branch_rels = relations(plain, schema)
        assert branch_rels.get("shop_comment") == "r" and branch_rels.get("shop_post_title_idx") == "i"
        assert plain.execute(f'SELECT count(*) FROM "{schema}".django_migrations '
                             "WHERE app = 'shop' AND name = '0002_views_comments'").fetchone()[0] == 1

        # main, on a plain connection, is untouched
        assert columns(plain, "public", "shop_post") == main_post
        assert relations(plain, "public") == main_relations
        assert plain.execute("SELECT to_regclass('public.shop_comment')").fetchone()[0] is None
        assert plain.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall() == main_ledger
        assert plain.execute("SELECT count(*) FROM shop_post").fetchone()[0] == 5

    main_shown = manage(server, db, "showmigrations", "shop", app=app).stdout
    assert "[X] 0001_initial" in main_shown and "[ ] 0002_views_comments" in main_shown, main_shown

    # and the diff between them is the migration
    diff = inited.execute("SELECT change_type, object_type, object_name, sql_to_sync "
                          "FROM pggit.schema_diff('main', 'feature')").fetchall()
    names = {row[2] for row in diff}
    assert any("shop_comment" in name for name in names), diff
    assert any("views" in name for name in names), diff
    assert any("shop_post_title_idx" in name for name in names), diff
    assert all(row[0] == "added" for row in diff if "shop_" in row[2]), diff


def test_main_and_a_branch_migrate_independently(server, inited, tmp_path):
    """The same migration, made on main after the fork and then on the branch."""
    db = inited.info.dbname
    schema, options = branch(inited, "feature")
    app = changed_site(tmp_path)
    manage(server, db, "makemigrations", "shop", "--name", "views_comments", app=app)

    # main migrates; the branch neither sees the change nor its ledger row
    manage(server, db, "migrate", "--noinput", app=app)
    assert "views" in columns(inited, "public", "shop_post")
    assert "[ ] 0002_views_comments" in manage(server, db, "showmigrations", "shop", app=app,
                                                options=options).stdout
    assert "views" not in columns(inited, schema, "shop_post")
    with connect(server, db, options=options) as on_branch:
        with pytest.raises(psycopg.errors.UndefinedTable):  # never main's new table
            on_branch.execute("SELECT count(*) FROM shop_comment")
    # the branch's site still runs on the branch's schema, which has no views column
    got = django_orm(server, db, "write", options=options)
    assert got["title"] == "hello!" and got["posts"] == 6

    # then the branch applies the same migration, to itself
    migrated = manage(server, db, "migrate", "--noinput", app=app, options=options)
    assert "Applying shop.0002_views_comments... OK" in migrated.stdout, migrated.stdout
    assert django_orm(server, db, "branch_schema", app=app, options=options)["comments"] == ["first", "second"]
    assert inited.execute("SELECT count(*) FROM public.shop_comment").fetchone()[0] == 0
    assert inited.execute("SELECT count(*) FROM public.shop_post").fetchone()[0] == 5
    # the same migration on both sides: no difference between their schemas
    diff = inited.execute("SELECT change_type, object_type, object_name FROM pggit.schema_diff('main', 'feature')"
                          " WHERE object_name LIKE 'shop%'").fetchall()
    assert diff == []


# --- merging a branch's migrations into main (issue 13) ------------------------------------

RENAME_MIGRATION = '''from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RenameField("post", "body", "content")]
'''


def test_a_branchs_migrations_merge_into_main_with_their_ledger(server, inited, tmp_path):
    """On a branch: a field renamed, a NOT NULL field with a default, a new model;
    merged into main, `migrate --check` has nothing to do and main's rows are kept."""
    db = inited.info.dbname
    bodies = inited.execute("SELECT id, body FROM shop_post ORDER BY id").fetchall()
    _, options = branch(inited, "feature")
    app = copy_app(DJANGO_APP, tmp_path)
    (app / "shop" / "migrations" / "0002_rename_body.py").write_text(RENAME_MIGRATION)
    models = app / "shop" / "models.py"
    edit(models, '    body = models.TextField(default="")\n',
         '    content = models.TextField(default="")\n    summary = models.CharField(max_length=100, default="n/a")\n')
    models.write_text(models.read_text() + NEW_MODEL)
    manage(server, db, "makemigrations", "shop", "--name", "summary_comments", app=app, options=options)
    manage(server, db, "migrate", "--noinput", app=app, options=options)

    merged = inited.execute("SELECT status, message FROM pggit.merge('feature', 'main')").fetchone()
    assert merged[0] == "fast_forward", merged
    manage(server, db, "migrate", "--check", app=app)  # exits 0: nothing left to apply on main
    assert inited.execute("SELECT id, content FROM shop_post ORDER BY id").fetchall() == bodies
    assert inited.execute("SELECT DISTINCT summary FROM shop_post").fetchall() == [("n/a",)]
    assert not inited.execute("SELECT atthasdef FROM pg_attribute WHERE attrelid = 'shop_post'::regclass "
                              "AND attname = 'summary'").fetchone()[0]  # Django's own: no default left
    got = django_orm(server, db, "merged_schema", app=app)
    assert got == {"summaries": ["n/a"], "comments": ["hello"]}


def test_two_developers_migrations_merge_in_turn(server, inited, tmp_path):
    """Ann and Bob each add a field on a branch of their own; both merge into main, whose
    ledger then holds both migrations: Django's `makemigrations --merge` joins the two
    leaves in code, and main has nothing else to apply."""
    db = inited.info.dbname
    apps = {}
    for dev, field in (("ann", "views"), ("bob", "likes")):
        _, options = branch(inited, dev)
        app = apps[dev] = copy_app(DJANGO_APP, tmp_path / dev)
        edit(app / "shop" / "models.py", '    body = models.TextField(default="")\n',
             f'    body = models.TextField(default="")\n    {field} = models.IntegerField(default=0)\n')
        manage(server, db, "makemigrations", "shop", "--name", dev, app=app, options=options)
        manage(server, db, "migrate", "--noinput", app=app, options=options)

    assert inited.execute("SELECT status FROM pggit.merge('ann', 'main')").fetchone()[0] == "fast_forward"
    assert inited.execute("SELECT status FROM pggit.merge('bob', 'main')").fetchone()[0] == "merged"
    assert inited.execute("SELECT name FROM django_migrations WHERE app = 'shop' ORDER BY name").fetchall() == [
        ("0001_initial",), ("0002_ann",), ("0002_bob",)]
    assert inited.execute("SELECT DISTINCT views, likes FROM shop_post").fetchall() == [(0, 0)]

    # the code of both, joined the way Django joins two leaves
    joined = apps["ann"]
    edit(joined / "shop" / "models.py", "    views = models.IntegerField(default=0)\n",
         "    views = models.IntegerField(default=0)\n    likes = models.IntegerField(default=0)\n")
    bob_migration = apps["bob"] / "shop" / "migrations" / "0002_bob.py"
    (joined / "shop" / "migrations" / "0002_bob.py").write_text(bob_migration.read_text())
    manage(server, db, "makemigrations", "--merge", "--noinput", app=joined)
    manage(server, db, "migrate", "--noinput", app=joined)
    manage(server, db, "migrate", "--check", app=joined)
    assert "No changes detected" in manage(server, db, "makemigrations", "--check", "--dry-run",
                                           app=joined).stdout
