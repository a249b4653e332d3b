"""Packaging: PGXN metadata, repeatable installs, pgxn from a local bundle, pg_dump."""

import json
import re
import subprocess
import zipfile


from conftest import PG_BIN, REPO, scalar

SEMVER = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")


def installed_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def make_install(destdir):
    subprocess.run(["make", "-s", "-C", str(REPO), "install", f"DESTDIR={destdir}",
                    f"PG_CONFIG={PG_BIN / 'pg_config'}"],
                   check=True, capture_output=True)


def test_meta_json_follows_the_pgxn_meta_spec():
    meta = json.loads((REPO / "META.json").read_text())
    for key in ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"):
        assert meta.get(key), key
    assert meta["meta-spec"]["version"] == "1.0.0"
    assert SEMVER.match(meta["version"])
    assert meta["release_status"] in ("stable", "testing", "unstable")
    control = (REPO / "pggit.control").read_text()
    extversion = re.search(r"default_version = '([^']+)'", control).group(1)
    provided = meta["provides"]["pggit"]
    assert SEMVER.match(provided["version"]) and provided["version"].startswith(extversion)
    assert (REPO / provided["file"]).exists() and (REPO / provided["docfile"]).exists()
    from pggit import __version__
    assert __version__ == meta["version"]


def test_make_install_twice_gives_the_same_files(tmp_path):
    make_install(tmp_path)
    first = installed_files(tmp_path)
    make_install(tmp_path)
    assert installed_files(tmp_path) == first
    assert any(f.endswith("extension/pggit/python/pggit/api.py") for f in first)
    assert any(f.endswith("extension/pggit--1.0.sql") for f in first)


def test_pgxn_installs_from_a_local_bundle_offline(tmp_path):
    bundle = tmp_path / "pggit-1.0.0.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        for path in REPO.rglob("*"):
            rel = path.relative_to(REPO)
            if path.is_file() and rel.parts[0] not in (".git", ".venv") and "__pycache__" not in rel.parts:
                z.write(path, f"pggit-1.0.0/{rel.as_posix()}")
    dest = tmp_path / "root"
    # DESTDIR keeps the install inside tmp_path; pgxn would otherwise ask for sudo
    # because the server's directories are not ours to write ("--sudo env" runs make as is).
    env = {"PATH": f"{PG_BIN}:/usr/bin:/bin", "DESTDIR": str(dest), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["pgxn", "install", "--testing", "--make", "make", "--sudo", "env", "--mirror", "http://127.0.0.1:9/",
         str(bundle)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert any(f.endswith("extension/pggit/python/pggit/__init__.py") for f in installed_files(dest))


def test_pg_dump_keeps_metadata_rows(server, pg, new_db):
    pg.execute("INSERT INTO pggit.branches (name, schema_name, parent_branch_id) "
               "VALUES ('feature', 'pggit_branch_feature', 1)")
    pg.execute("INSERT INTO pggit.version_history (branch_name, command_tag) VALUES ('main', 'CREATE TABLE')")
    pg.execute("UPDATE pggit.branches SET head_commit_hash = repeat('a', 64) WHERE name = 'main'")
    where = ["-h", server.host, "-p", str(server.port), "-U", server.user]
    dump = subprocess.run([str(PG_BIN / "pg_dump"), *where, "-Fc", pg.info.dbname],
                          check=True, capture_output=True).stdout
    restored = new_db()
    subprocess.run([str(PG_BIN / "pg_restore"), *where, "--exit-on-error", "-d", restored.info.dbname],
                   input=dump, check=True, capture_output=True)
    assert restored.execute("SELECT name, parent_branch_id FROM pggit.branches ORDER BY id").fetchall() == [
        ("main", None), ("feature", 1)]
    assert scalar(restored, "SELECT command_tag FROM pggit.version_history") == "CREATE TABLE"
    assert scalar(restored, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'main'") == "a" * 64
    # the identity sequences come back too: the next branch does not collide
    restored.execute("INSERT INTO pggit.branches (name, schema_name) VALUES ('next', 's')")
    assert scalar(restored, "SELECT id FROM pggit.branches WHERE name = 'next'") == 3
