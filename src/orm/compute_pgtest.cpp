// Computed fields, related fields, display_name computes, inverses, hooks and
// html sanitising against a real PostgreSQL (compute_test_models.*).
#include <gtest/gtest.h>

#include "orm/compute_test_models.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/schema_pgtest_support.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using compute_testing::ComputeFixture;
using compute_testing::HookCalls;

using testing::J;
using testing::kAdmin;

std::int64_t CreateOne(const RecordSet& model, Value vals) { return model.Create(vals).at(0); }

TEST(ComputePg, StoredComputesHaveAColumnAndAreComputedOnCreate) {
  ComputeFixture fx = ComputeFixture::Make("compute_create");
  const auto columns = schema_testing::Columns(fx.connection(), "x_contact");
  EXPECT_TRUE(columns.contains("complete_name"));
  EXPECT_TRUE(columns.contains("parent_name")) << "a stored related field has a column";
  EXPECT_FALSE(columns.contains("upper_name")) << "non-stored computes have none";
  EXPECT_FALSE(columns.contains("parent_country_id"));
  EXPECT_FALSE(columns.contains("company_type"));

  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(env, "x.contact");
  const std::int64_t acme = CreateOne(contacts, J(R"({"name": "Acme", "is_company": true})"));
  Value child = J(R"({"name": "John", "complete_name": "ignored: readonly compute"})");
  child["parent_id"] = acme;
  const std::int64_t john = CreateOne(contacts, child);
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", acme), "Acme");
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", john), "Acme, John");
  EXPECT_EQ(fx.Text("SELECT parent_name FROM x_contact WHERE id = $1", john), "Acme");
  // Created with children through commands: the children follow their parent.
  const std::int64_t beta = CreateOne(contacts, J(R"({"name": "Beta", "child_ids": [[0, 0, {"name": "Ann"}]]})"));
  const Value children = contacts.Browse({beta}).Read({"child_ids"})[0]["child_ids"];
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", children[0].get<std::int64_t>()),
            "Beta, Ann");
}

TEST(ComputePg, RenamingAGrandparentRecomputesChildrenAndGrandchildren) {
  ComputeFixture fx = ComputeFixture::Make("compute_recursive");
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(env, "x.contact");
  const std::int64_t grand = CreateOne(contacts, J(R"({"name": "Grand"})"));
  const std::int64_t parent = CreateOne(contacts, Value{{"name", "Parent"}, {"parent_id", grand}});
  const std::int64_t child = CreateOne(contacts, Value{{"name", "Child"}, {"parent_id", parent}});
  const std::int64_t other = CreateOne(contacts, J(R"({"name": "Other"})"));
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", child), "Grand, Parent, Child");

  contacts.Browse({grand}).Write(J(R"({"name": "Granny"})"));
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", grand), "Granny");
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", parent), "Granny, Parent");
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", child), "Granny, Parent, Child");
  EXPECT_EQ(fx.Text("SELECT parent_name FROM x_contact WHERE id = $1", parent), "Granny");
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", other), "Other");

  // Moving a branch: the moved record and what is under it follow.
  contacts.Browse({parent}).Write(Value{{"parent_id", other}});
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", child), "Other, Parent, Child");
  EXPECT_EQ(contacts.Browse({child}).Read({"complete_name"})[0]["complete_name"], "Other, Parent, Child");

  // Deleting a parent sets its children's parent_id null: they are recomputed.
  contacts.Browse({other}).Unlink();
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", parent), "Parent");
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", child), "Parent, Child");
  EXPECT_EQ(fx.Text("SELECT coalesce(parent_name, '<none>') FROM x_contact WHERE id = $1", parent), "<none>");
}

TEST(ComputePg, ACycleInTheHierarchyDoesNotSettleAndIsRefused) {
  ComputeFixture fx = ComputeFixture::Make("compute_cycle");
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(env, "x.contact");
  const std::int64_t a = CreateOne(contacts, J(R"({"name": "A"})"));
  const std::int64_t b = CreateOne(contacts, Value{{"name", "B"}, {"parent_id", a}});
  try {
    contacts.Browse({a}).Write(Value{{"parent_id", b}});
    FAIL() << "a cycle must not recompute forever";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("Recursion detected while recomputing x.contact.complete_name"),
              std::string::npos)
        << e.what();
  }
}

TEST(ComputePg, NonStoredComputesOnReadOneMethodSettingTwoFields) {
  ComputeFixture fx = ComputeFixture::Make("compute_read");
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(env, "x.contact");
  const std::int64_t acme = CreateOne(contacts, J(R"({"name": "Acme"})"));
  CreateOne(contacts, Value{{"name", "Ann"}, {"parent_id", acme}});
  CreateOne(contacts, Value{{"name", "Bob"}, {"parent_id", acme}});
  const std::int64_t lone = CreateOne(contacts, J(R"({"name": "Lone"})"));
  const Value rows = contacts.Browse({acme, lone}).Read({"upper_name", "name_length", "child_count"});
  EXPECT_EQ(rows[0]["upper_name"], "ACME");
  EXPECT_EQ(rows[0]["name_length"], 4);
  EXPECT_EQ(rows[0]["child_count"], 2);
  EXPECT_EQ(rows[1]["upper_name"], "LONE");
  EXPECT_EQ(rows[1]["child_count"], 0);
  // Read with no field list includes them.
  const Value all = contacts.Browse({lone}).Read({})[0];
  EXPECT_EQ(all["upper_name"], "LONE");
  EXPECT_EQ(all["company_type"], "person");
}

TEST(ComputePg, SearchingANonStoredComputeWithoutSearchMethodIsAValidationError) {
  ComputeFixture fx = ComputeFixture::Make("compute_search");
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(env, "x.contact");
  try {
    contacts.Search(J(R"([["upper_name", "=", "ACME"]])"));
    FAIL() << "a non-stored compute has no column to search";
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("non-stored field x.contact.upper_name cannot be searched"), std::string::npos)
        << e.what();
  }
  // A stored compute is searched as any column.
  const std::int64_t acme = CreateOne(contacts, J(R"({"name": "Acme"})"));
  const std::int64_t john = CreateOne(contacts, Value{{"name", "John"}, {"parent_id", acme}});
  EXPECT_EQ(contacts.Search(J(R"([["complete_name", "=", "Acme, John"]])")), std::vector<std::int64_t>{john});
}

TEST(ComputePg, RelatedFieldsReadWriteThroughAndSearch) {
  ComputeFixture fx = ComputeFixture::Make("compute_related");
  Environment su = fx.Env(kAdmin).Sudo();
  const std::int64_t be = CreateOne(RecordSet::Of(su, "res.country"), J(R"({"name": "Belgium", "code": "BE"})"));
  const std::int64_t fr = CreateOne(RecordSet::Of(su, "res.country"), J(R"({"name": "France", "code": "FR"})"));
  RecordSet contacts = RecordSet::Of(su, "x.contact");
  const std::int64_t acme = CreateOne(contacts, Value{{"name", "Acme"}, {"country_id", be}});
  const std::int64_t john = CreateOne(contacts, Value{{"name", "John"}, {"parent_id", acme}, {"country_id", fr}});
  const std::int64_t lone = CreateOne(contacts, J(R"({"name": "Lone"})"));

  const Value rows = contacts.Browse({john, lone}).Read({"parent_country_id", "country_code"});
  EXPECT_EQ(rows[0]["parent_country_id"], Value::array({be, "Belgium"}));
  EXPECT_EQ(rows[0]["country_code"], "FR");
  EXPECT_EQ(rows[1]["parent_country_id"], false) << "an empty link on the way gives false";
  EXPECT_EQ(rows[1]["country_code"], false);

  // Searchable through the path.
  EXPECT_EQ(contacts.Search(Value::array({Value::array({"parent_country_id", "=", be})})),
            std::vector<std::int64_t>{john});
  EXPECT_EQ(contacts.Search(J(R"([["country_code", "=", "BE"]])")), std::vector<std::int64_t>{acme});

  // Written through to the target record, with the caller's rights.
  const std::int64_t clerk =
      fx.AddUserWithAccess("clerk", {"x.contact", "res.country"}, {"rwcu", "r"});
  Environment clerk_env = fx.Env(clerk);
  EXPECT_THROW(RecordSet::Of(clerk_env, "x.contact").Browse({john}).Write(J(R"({"country_code": "XX"})")),
               AccessError);
  contacts.Browse({john}).Write(J(R"({"country_code": "FX"})"));
  EXPECT_EQ(fx.Text("SELECT code FROM res_country WHERE id = $1", fr), "FX");
  // A related many2one written through: the parent moves country.
  contacts.Browse({john}).Write(Value{{"parent_country_id", fr}});
  EXPECT_EQ(fx.Text("SELECT country_id::text FROM x_contact WHERE id = $1", acme), std::to_string(fr));
  // A related of another model, through a many2one to the contact.
  const std::int64_t note = CreateOne(RecordSet::Of(su, "x.note"), Value{{"name", "n"}, {"contact_id", acme}});
  EXPECT_EQ(RecordSet::Of(su, "x.note").Browse({note}).Read({"contact_country_id"})[0]["contact_country_id"],
            Value::array({fr, "France"}));
}

TEST(ComputePg, DisplayNameComputeIsUsedByReadAndManyToOneValuesEverywhere) {
  ComputeFixture fx = ComputeFixture::Make("compute_display_name");
  Environment su = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(su, "x.contact");
  const std::int64_t acme = CreateOne(contacts, J(R"({"name": "Acme"})"));
  const std::int64_t john = CreateOne(contacts, Value{{"name", "John"}, {"parent_id", acme}});
  EXPECT_EQ(contacts.Browse({john}).Read({"display_name"})[0]["display_name"], "Acme, John");
  EXPECT_EQ(contacts.Browse({john}).Read({"parent_id"})[0]["parent_id"], Value::array({acme, "Acme"}));
  const std::int64_t note = CreateOne(RecordSet::Of(su, "x.note"), Value{{"name", "n"}, {"contact_id", john}});
  // Read by a user who may read notes but not contacts: the name is read in su.
  const std::int64_t reader = fx.AddUserWithAccess("reader", {"x.note"}, {"r"});
  Environment reader_env = fx.Env(reader);
  EXPECT_EQ(RecordSet::Of(reader_env, "x.note").Browse({note}).Read({"contact_id"})[0]["contact_id"],
            Value::array({john, "Acme, John"}));
  // Searching display_name still goes through the rec_name (name).
  EXPECT_EQ(contacts.Search(J(R"([["display_name", "=", "John"]])")), std::vector<std::int64_t>{john});
}

TEST(ComputePg, InverseMethodWritesTheComputedValueBack) {
  ComputeFixture fx = ComputeFixture::Make("compute_inverse");
  Environment su = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(su, "x.contact");
  const std::int64_t id = CreateOne(contacts, J(R"({"name": "Acme", "company_type": "company"})"));
  EXPECT_EQ(fx.Text("SELECT is_company::text FROM x_contact WHERE id = $1", id), "true");
  contacts.Browse({id}).Write(J(R"({"company_type": "person"})"));
  const Value row = contacts.Browse({id}).Read({"is_company", "company_type"})[0];
  EXPECT_EQ(row["is_company"], false);
  EXPECT_EQ(row["company_type"], "person");
}

TEST(ComputePg, HooksRunOncePerCallWithTheRecordsAndAreBoundedWhenTheyRecurse) {
  ComputeFixture fx = ComputeFixture::Make("compute_hooks");
  Environment su = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(su, "x.contact");
  HookCalls().clear();
  const auto ids = contacts.Create(J(R"([{"name": "A"}, {"name": "B"}])"));
  ASSERT_EQ(HookCalls().size(), 1u);
  EXPECT_EQ(HookCalls()[0].kind, "create");
  EXPECT_EQ(HookCalls()[0].ids, ids);
  EXPECT_EQ(HookCalls()[0].vals, J(R"([{"name": "A"}, {"name": "B"}])"));
  // The hook runs after stored computes: what it would read is up to date.
  EXPECT_EQ(fx.Text("SELECT complete_name FROM x_contact WHERE id = $1", ids[1]), "B");

  HookCalls().clear();
  contacts.Browse(ids).Write(J(R"({"is_company": true})"));
  ASSERT_EQ(HookCalls().size(), 1u);
  EXPECT_EQ(HookCalls()[0].kind, "write");
  EXPECT_EQ(HookCalls()[0].ids, ids);
  EXPECT_EQ(HookCalls()[0].vals, J(R"({"is_company": true})"));

  HookCalls().clear();
  try {
    contacts.Browse({ids[0]}).Write(J(R"({"ping": 1})"));
    FAIL() << "a hook writing what runs it again must be stopped";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("nest deeper than 16 levels"), std::string::npos) << e.what();
  }
  EXPECT_EQ(HookCalls().size(), 16u);
  // The bound is per nesting: a later call starts from zero again.
  HookCalls().clear();
  contacts.Browse({ids[0]}).Write(J(R"({"ping": 0})"));
  EXPECT_EQ(HookCalls().size(), 1u);
}

TEST(ComputePg, HtmlIsSanitisedOnCreateAndWrite) {
  ComputeFixture fx = ComputeFixture::Make("compute_html");
  Environment su = fx.Env(kAdmin).Sudo();
  RecordSet contacts = RecordSet::Of(su, "x.contact");
  const std::int64_t id =
      CreateOne(contacts, J(R"({"name": "A", "bio": "<p onclick=\"steal()\">Hi <b>there</b></p><script>steal()</script>"})"));
  EXPECT_EQ(fx.Text("SELECT bio FROM x_contact WHERE id = $1", id), "<p>Hi <b>there</b></p>");
  contacts.Browse({id}).Write(J(R"({"bio": "<a href=\"javascript:steal()\">link</a><img src=x onerror=steal()>"})"));
  EXPECT_EQ(contacts.Browse({id}).Read({"bio"})[0]["bio"], "<a>link</a><img src=\"x\">");
}

}  // namespace
}  // namespace citadel::orm
