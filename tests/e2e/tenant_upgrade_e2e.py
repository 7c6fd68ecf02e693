"""`citadel tenant upgrade NAME|--all`: brings tenants to the installed
modules' versions, one tenant per transaction; a broken tenant is reported
and the others go on (exit 1); a second run after the fix upgrades only it.
Schema warnings are printed under the tenant's line and logged; a tenant whose
data refuses a constraint is INCOMPLETE (exit 3) and retried by every run.

Tenants are made "older" by hand, through the cluster's superuser: the
contacts module's recorded version is lowered and one of its records
deleted, so the upgrade has something to bring back. The broken tenant has
ir_rule.domain_force turned into an integer column, which the schema sync
leaves alone (it never converts a column holding data) and the data load
then cannot write."""
import os
import shutil
import subprocess
import unittest

from citadel_harness import CitadelServer, run_cli


def psql(data_dir, database, sql):
    out = subprocess.run(
        ["psql", "host=%s port=5432 user=citadel dbname=%s" % (os.path.join(data_dir, "run"), database),
         "-v", "ON_ERROR_STOP=1", "-Atc", sql],
        capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise AssertionError("psql: " + out.stderr)
    return out.stdout.strip()


class TenantUpgradeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = CitadelServer().start()
        cls.data_dir = cls.server.data_dir

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def cli(self, *args):
        return run_cli(*args, data_dir=self.data_dir, timeout=300)

    def database_of(self, name):
        return psql(self.data_dir, "citadel_catalog",
                    "SELECT db_name FROM tenants WHERE name = '%s' AND state = 'active'" % name)

    def contacts_version(self, db):
        return psql(self.data_dir, db, "SELECT latest_version FROM ir_module_module WHERE name = 'contacts'")

    def make_older(self, db):
        psql(self.data_dir, db,
             "UPDATE ir_module_module SET latest_version = '18.0.0.9' WHERE name = 'contacts';"
             "DELETE FROM ir_rule WHERE id = (SELECT res_id FROM ir_model_data WHERE module = 'contacts'"
             " AND name = 'res_partner_bank_rule')")

    def test_help_and_usage(self):
        out = run_cli("tenant", "upgrade", "--help")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("--all", out.stdout)
        for args in (["tenant", "upgrade"], ["tenant", "upgrade", "acme", "--all"],
                     ["tenant", "upgrade", "Bad Name"]):
            out = self.cli(*args)
            self.assertEqual(out.returncode, 2, (args, out.stdout, out.stderr))
            self.assertIn("citadel", out.stderr)

    def test_all_upgrades_the_good_reports_the_bad_and_resumes(self):
        for name in ("good-one", "bad-one"):
            out = self.cli("tenant", "create", name)
            self.assertEqual(out.returncode, 0, out.stderr)
        good, bad = self.database_of("good-one"), self.database_of("bad-one")
        for db in (good, bad):
            self.make_older(db)
        psql(self.data_dir, bad,
             "ALTER TABLE ir_rule RENAME COLUMN domain_force TO domain_force_saved;"
             "ALTER TABLE ir_rule ADD COLUMN domain_force integer")

        first = self.cli("tenant", "upgrade", "--all")
        self.assertEqual(first.returncode, 1, (first.stdout, first.stderr))
        lines = first.stdout.splitlines()
        good_line = next(l for l in lines if l.startswith("upgrading good-one ("))
        self.assertRegex(good_line, r"\(\d/\d\)\.\.\. done: contacts 18\.0\.0\.9 -> 18\.0\.1\.0, 1 record created", first.stdout)
        bad_line = next(l for l in lines if l.startswith("upgrading bad-one ("))
        self.assertIn("FAILED", bad_line)
        self.assertIn("contacts", bad_line)
        self.assertIn("res_partner_bank_rule", bad_line)
        demo_line = next(l for l in lines if l.startswith("upgrading demo ("))
        self.assertIn("already up to date", demo_line)
        self.assertIn("1 of 3 tenants failed", first.stderr)

        self.assertEqual(self.contacts_version(good), "18.0.1.0")
        self.assertEqual(self.contacts_version(bad), "18.0.0.9", "the failed tenant's transaction rolled back")
        self.assertEqual(psql(self.data_dir, good,
                              "SELECT count(*) FROM ir_rule r JOIN ir_model_data d ON d.res_id = r.id "
                              "AND d.model = 'ir.rule' WHERE d.name = 'res_partner_bank_rule'"), "1")

        psql(self.data_dir, bad,
             "ALTER TABLE ir_rule DROP COLUMN domain_force;"
             "ALTER TABLE ir_rule RENAME COLUMN domain_force_saved TO domain_force")
        good_rows = psql(self.data_dir, good, "SELECT string_agg(r::text, '|' ORDER BY id) FROM ir_rule r")
        second = self.cli("tenant", "upgrade", "--all")
        self.assertEqual(second.returncode, 0, (second.stdout, second.stderr))
        self.assertRegex(second.stdout, r"upgrading bad-one \(\d/3\)\.\.\. done: contacts 18\.0\.0\.9 -> 18\.0\.1\.0")
        self.assertRegex(second.stdout, r"upgrading good-one \(\d/3\)\.\.\. already up to date")
        self.assertEqual(self.contacts_version(bad), "18.0.1.0")
        self.assertEqual(psql(self.data_dir, good, "SELECT string_agg(r::text, '|' ORDER BY id) FROM ir_rule r"),
                         good_rows, "the upgraded tenant was left alone")

        one = self.cli("tenant", "upgrade", "good-one")
        self.assertEqual(one.returncode, 0, one.stderr)
        self.assertIn("upgrading good-one (1/1)... already up to date", one.stdout)
        missing = self.cli("tenant", "upgrade", "never-made")
        self.assertEqual(missing.returncode, 1)

    def test_warnings_reach_the_operator_and_a_refused_constraint_is_tried_again(self):
        """A column kept with its data and a unique constraint the data refuses:
        each warning is printed under the tenant's line and logged; the tenant is
        INCOMPLETE (upgraded and committed, exit 3) until its data allows the
        constraint, and every run tries it again."""
        out = self.cli("tenant", "create", "warn-one")
        self.assertEqual(out.returncode, 0, out.stderr)
        db = self.database_of("warn-one")
        self.make_older(db)
        moved = psql(self.data_dir, db, "SELECT id FROM res_country WHERE code = 'NL'")
        self.assertRegex(moved, r"^\d+$")
        psql(self.data_dir, db,
             "ALTER TABLE res_partner ADD COLUMN x_legacy varchar;"
             "UPDATE res_partner SET x_legacy = 'kept';"
             "ALTER TABLE res_country DROP CONSTRAINT res_country_code_uniq;"
             "UPDATE res_country SET code = 'BE' WHERE id = %s" % moved)
        kept = "  warning: res_partner.x_legacy is stored by no field of res.partner: kept with its data"
        refused = ("  warning: not applied: add constraint res_country_code_uniq unique(code) on res_country: "
                   "SQLSTATE 23505")
        constraint = ("SELECT count(*) FROM pg_constraint WHERE conname = 'res_country_code_uniq' "
                      "AND conrelid = 'res_country'::regclass")

        def tenant_block(run):
            """The tenant's line and the warning lines under it."""
            lines = run.stdout.splitlines()
            start = next(i for i, l in enumerate(lines) if l.startswith("upgrading warn-one (1/1)... "))
            block = [lines[start]]
            for line in lines[start + 1:]:
                if not line.startswith("  warning: "):
                    break
                block.append(line)
            return block

        for attempt in ("upgrade", "retry"):
            run = self.cli("tenant", "upgrade", "warn-one")
            self.assertEqual(run.returncode, 3, (attempt, run.stdout, run.stderr))
            block = tenant_block(run)
            self.assertTrue(block[0].startswith("upgrading warn-one (1/1)... INCOMPLETE: " + (
                "contacts 18.0.0.9 -> 18.0.1.0, 1 record created" if attempt == "upgrade"
                else "no change applied")), (attempt, block))
            self.assertIn(kept, block)
            self.assertTrue(any(l.startswith(refused) for l in block), (attempt, block))
            self.assertIn("modules: warning: model res.partner, SQL constraint check_name", run.stdout)
            self.assertIn("1 of 1 tenant upgraded INCOMPLETE", run.stderr)
            logged = [l for l in run.stderr.splitlines() if '"tenant upgrade schema warning"' in l]
            self.assertTrue(any('"warn-one"' in l and "x_legacy" in l for l in logged), run.stderr)
            self.assertTrue(any('"warn-one"' in l and "res_country_code_uniq" in l for l in logged), run.stderr)
            self.assertEqual(self.contacts_version(db), "18.0.1.0", "the rest of the upgrade is committed")
            self.assertEqual(psql(self.data_dir, db, constraint), "0")

        psql(self.data_dir, db, "UPDATE res_country SET code = 'NL' WHERE id = %s" % moved)
        fixed = self.cli("tenant", "upgrade", "warn-one")
        self.assertEqual(fixed.returncode, 0, (fixed.stdout, fixed.stderr))
        self.assertEqual(tenant_block(fixed),
                         ["upgrading warn-one (1/1)... done with warnings: schema: 1 change applied", kept])
        self.assertEqual(psql(self.data_dir, db, constraint), "1")
        self.assertEqual(psql(self.data_dir, db, "SELECT count(*) FROM res_partner WHERE x_legacy = 'kept'"),
                         psql(self.data_dir, db, "SELECT count(*) FROM res_partner"), "the column kept its data")

        last = self.cli("tenant", "upgrade", "warn-one")
        self.assertEqual(last.returncode, 0, last.stderr)
        self.assertIn("upgrading warn-one (1/1)... already up to date", last.stdout)


if __name__ == "__main__":
    unittest.main()
