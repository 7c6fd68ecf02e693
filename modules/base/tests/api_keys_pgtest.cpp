// res.users.apikeys, on base + contacts installed by the real installer: the
// table is Odoo's (the contract src/rpc looks keys up with), a key is stored
// only hashed, users see their own keys and never the secret columns, nobody
// creates or writes keys through the ORM, remove is for owners and system
// users, make_key returns Odoo's action, expirations are bounded, expired
// keys and stale wizards are vacuumed, and an upgrade brings the table to a
// database that lacks it.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/password_hasher.hpp"
#include "modules/base/api_keys.hpp"
#include "modules/base/tests/installed_base.hpp"
#include "modules/base/utc_datetime.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/module_installer.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::testing {
namespace {

using base::GenerateApiKey;
using orm::Environment;
using orm::RecordSet;
using orm::Value;

constexpr const char* kKeys = "res.users.apikeys";
constexpr const char* kWizard = "res.users.apikeys.description";

std::int64_t MakeUser(const Environment& admin, const std::string& login,
                      const std::string& group) {
  const Value groups = Value::array(
      {Value::array({6, 0, Value::array({Ref(admin.connection(), "base." + group)})})});
  return RecordSet::Of(admin, "res.users")
      .Create({{"name", login}, {"login", login}, {"groups_id", groups}})
      .at(0);
}

// Whole seconds from now, by the test's clock (the database's now() is the
// transaction's start, a little earlier).
std::chrono::sys_seconds InDays(int days) {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
         std::chrono::days(days);
}

// Every column of the key's row, as text.
std::map<std::string, std::string> StoredRow(db::Connection& c, std::int64_t id) {
  auto r =
      c.Execute("SELECT row_to_json(k)::text AS row FROM res_users_apikeys k WHERE id = $1", id);
  if (!r || r->rows() != 1) throw std::runtime_error("no key row");
  std::map<std::string, std::string> row;
  const Value parsed = Value::parse(r->Text(0, "row"));
  for (const auto& [column, value] : parsed.items()) {
    row[column] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return row;
}

std::int64_t LastKeyId(db::Connection& c) {
  return std::stoll(Scalar(c, "SELECT max(id) FROM res_users_apikeys"));
}

// src/rpc's lookup, exactly as docs/orm.md gives it.
std::vector<std::pair<std::int64_t, std::string>> Lookup(db::Connection& c, const std::string& key,
                                                         const std::string& scope) {
  auto r = c.Execute(
      "SELECT k.user_id, k.key FROM res_users_apikeys k JOIN res_users u ON u.id = k.user_id "
      "WHERE u.active AND k.index = $1 AND (k.scope IS NULL OR k.scope = $2) "
      "AND (k.expiration_date IS NULL OR k.expiration_date >= now() at time zone 'utc')",
      key.substr(0, 8), scope);
  if (!r) throw std::runtime_error(r.error().message);
  std::vector<std::pair<std::int64_t, std::string>> found;
  for (int i = 0; i < r->rows(); ++i)
    found.emplace_back(std::stoll(r->Text(i, "user_id")), r->Text(i, "key"));
  return found;
}

template <class Error, class F>
std::string ErrorOf(F&& body) {
  try {
    body();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(ApiKeys, TableIsOdoosLayout) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  EXPECT_EQ(
      Scalar(c,
             "SELECT string_agg(column_name || ' ' || data_type || coalesce('(' || "
             "character_maximum_length || ')', '') || ' ' || is_nullable || ' ' || "
             "coalesce(column_default, '-'), ', ' ORDER BY ordinal_position) "
             "FROM information_schema.columns WHERE table_name = 'res_users_apikeys'"),
      "id integer NO nextval('res_users_apikeys_id_seq'::regclass), name character varying NO -, "
      "user_id integer NO -, scope character varying YES -, "
      "expiration_date timestamp without time zone YES -, index character varying(8) NO -, "
      "key character varying NO -, create_date timestamp without time zone YES "
      "(now() AT TIME ZONE 'utc'::text)");
  EXPECT_EQ(Scalar(c,
                   "SELECT indexdef FROM pg_indexes WHERE indexname = "
                   "'res_users_apikeys_user_id_index_idx'"),
            "CREATE INDEX res_users_apikeys_user_id_index_idx ON public.res_users_apikeys USING "
            "btree (user_id, index)");
  EXPECT_EQ(Scalar(c,
                   "SELECT string_agg(contype::text || ':' || pg_get_constraintdef(oid), '; ' "
                   "ORDER BY contype) "
                   "FROM pg_constraint WHERE conrelid = 'res_users_apikeys'::regclass"),
            "c:CHECK ((char_length((index)::text) = 8)); f:FOREIGN KEY (user_id) REFERENCES "
            "res_users(id) ON "
            "DELETE CASCADE; p:PRIMARY KEY (id)");
  // Installed as Odoo's models, with no field for the secret columns.
  EXPECT_EQ(
      Scalar(
          c,
          "SELECT string_agg(f.name, ',' ORDER BY f.name) FROM ir_model_fields f JOIN ir_model m "
          "ON m.id = f.model_id WHERE m.model = 'res.users.apikeys'"),
      "create_date,display_name,expiration_date,id,name,scope,user_id");
  EXPECT_EQ(Ref(c, "base.model_res_users_apikeys_description") > 0, true);
}

TEST(ApiKeys, GeneratedKeyIsFortyHexStoredOnlyHashed) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  const Environment admin(installed.registry, c, kAdmin);
  const std::int64_t uid = MakeUser(admin, "ak_hashed", "group_user");
  const Environment user(installed.registry, c, uid);

  const auto expiration = InDays(30);
  const std::string key = GenerateApiKey(user, std::nullopt, "laptop", expiration);
  EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{40}"))) << key;
  const auto row = StoredRow(c, LastKeyId(c));
  for (const auto& [column, value] : row) EXPECT_EQ(value.find(key), std::string::npos) << column;
  EXPECT_EQ(row.at("index"), key.substr(0, 8));
  EXPECT_EQ(row.at("key").rfind("$pbkdf2-sha512$6000$", 0), 0u) << row.at("key");
  EXPECT_TRUE(core::PasswordHasher(base::kApiKeyHashRounds).Verify(key, row.at("key")).matches);
  EXPECT_FALSE(core::PasswordHasher(base::kApiKeyHashRounds)
                   .Verify(key.substr(0, 39) + (key.back() == '0' ? "1" : "0"), row.at("key"))
                   .matches);
  EXPECT_EQ(row.at("user_id"), std::to_string(uid));
  EXPECT_EQ(row.at("name"), "laptop");
  EXPECT_EQ(row.at("scope"), "null");
  EXPECT_EQ(row.at("expiration_date"), base::FormatUtcDatetime(expiration).replace(10, 1, "T"));
  EXPECT_NE(row.at("create_date"), "null");

  // src/rpc's lookup finds it, for any scope (scope NULL), while the user is active.
  auto found = Lookup(c, key, "rpc");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, uid);
  EXPECT_EQ(found[0].second, row.at("key"));
  // A scoped key answers only its scope.
  const std::string scoped = GenerateApiKey(user, "odoo.plugin.outlook", "outlook", InDays(7));
  EXPECT_TRUE(Lookup(c, scoped, "rpc").empty());
  EXPECT_EQ(Lookup(c, scoped, "odoo.plugin.outlook").size(), 1u);
  RecordSet::Of(admin, "res.users").Browse({uid}).Write({{"active", false}});
  EXPECT_TRUE(Lookup(c, key, "rpc").empty());
}

TEST(ApiKeys, UsersSeeTheirOwnKeysAndNeverTheSecretColumns) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  const Environment admin(installed.registry, c, kAdmin);
  const Environment alice(installed.registry, c, MakeUser(admin, "ak_alice", "group_user"));
  const Environment bob(installed.registry, c, MakeUser(admin, "ak_bob", "group_user"));
  const Environment portal(installed.registry, c, MakeUser(admin, "ak_portal", "group_portal"));
  const Environment pub(installed.registry, c, Ref(c, "base.public_user"));
  GenerateApiKey(alice, std::nullopt, "alice's", InDays(10));
  const std::int64_t alice_key = LastKeyId(c);
  GenerateApiKey(bob, std::nullopt, "bob's", InDays(10));
  const std::int64_t bob_key = LastKeyId(c);

  const Value rows = orm::CallModelMethod(alice, kKeys, "search_read",
                                          Value::array({Value::array()}), Value::object());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["id"], alice_key);
  EXPECT_EQ(rows[0]["name"], "alice's");
  EXPECT_EQ(rows[0]["user_id"][0], alice.uid());
  std::set<std::string> columns;
  for (const auto& [name, value] : rows[0].items()) columns.insert(name);
  EXPECT_EQ(columns, (std::set<std::string>{"id", "name", "user_id", "scope", "create_date",
                                            "expiration_date", "display_name"}));
  EXPECT_EQ(RecordSet::Of(alice, kKeys).Search(Value::array()),
            std::vector<std::int64_t>{alice_key});
  EXPECT_THROW(RecordSet::Of(alice, kKeys).Browse({bob_key}).Read({"name"}), orm::AccessError);
  EXPECT_EQ(RecordSet::Of(admin, kKeys).SearchCount(Value::array()), 2);
  EXPECT_EQ(RecordSet::Of(portal, kKeys).SearchCount(Value::array()), 0);
  EXPECT_THROW(RecordSet::Of(pub, kKeys).Search(Value::array()), orm::AccessError);

  // The secret columns are no fields: not offered, not readable, not
  // searchable, not sortable, not groupable, even by an admin.
  const Value description =
      orm::CallModelMethod(admin, kKeys, "fields_get", Value::array(), Value::object());
  std::set<std::string> offered;
  for (const auto& [name, value] : description.items()) offered.insert(name);
  EXPECT_EQ(offered, (std::set<std::string>{"id", "name", "user_id", "scope", "create_date",
                                            "expiration_date", "display_name"}));
  for (const char* secret : {"key", "index"}) {
    EXPECT_THROW(RecordSet::Of(admin, kKeys).Browse({alice_key}).Read({secret}),
                 orm::ValidationError)
        << secret;
    EXPECT_THROW(orm::CallModelMethod(admin, kKeys, "search_read", Value::array({Value::array()}),
                                      {{"fields", Value::array({secret})}}),
                 orm::UserError)
        << secret;
    EXPECT_THROW(RecordSet::Of(admin, kKeys)
                     .Search(Value::array({Value::array({secret, "like", "$pbkdf2%"})})),
                 orm::UserError)
        << secret;
    EXPECT_THROW(RecordSet::Of(admin, kKeys).Search(Value::array(), 0, std::nullopt, secret),
                 orm::UserError)
        << secret;
    EXPECT_THROW(orm::CallModelMethod(admin, kKeys, "read_group",
                                      Value::array({Value::array(), Value::array({"id:count"}),
                                                    Value::array({secret})}),
                                      Value::object()),
                 orm::UserError)
        << secret;
    EXPECT_THROW(RecordSet::Of(admin.Sudo(), kKeys).Browse({alice_key}).Read({secret}),
                 orm::ValidationError)
        << secret;
  }
}

TEST(ApiKeys, NobodyCreatesOrWritesKeysThroughTheOrm) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  const Environment admin(installed.registry, c, kAdmin);
  const Environment alice(installed.registry, c, MakeUser(admin, "ak_writer", "group_user"));
  GenerateApiKey(alice, std::nullopt, "mine", InDays(10));
  const std::int64_t mine = LastKeyId(c);
  for (const Environment* env : {&alice, &admin}) {
    const Value vals = {{"name", "forged"}, {"user_id", env->uid()}};
    EXPECT_THROW(orm::CallModelMethod(*env, kKeys, "create", Value::array({vals}), Value::object()),
                 orm::AccessError);
    EXPECT_THROW(
        orm::CallModelMethod(*env, kKeys, "name_create", Value::array({"forged"}), Value::object()),
        orm::AccessError);
    EXPECT_THROW(orm::CallModelMethod(*env, kKeys, "write",
                                      Value::array({Value::array({mine}), {{"name", "renamed"}}}),
                                      Value::object()),
                 orm::AccessError);
    EXPECT_THROW(orm::CallModelMethod(*env, kKeys, "copy", Value::array({mine}), Value::object()),
                 orm::AccessError);
    // Odoo's rights have no unlink either: keys go through remove.
    EXPECT_THROW(orm::CallModelMethod(*env, kKeys, "unlink", Value::array({Value::array({mine})}),
                                      Value::object()),
                 orm::AccessError);
  }
  EXPECT_EQ(Scalar(c, "SELECT count(*) || ' ' || min(name) FROM res_users_apikeys"), "1 mine");
  // Not even C++ in su can make a row: no field fills the key columns (last:
  // the failed INSERT ends the transaction).
  const Environment su = admin.Sudo();
  EXPECT_ANY_THROW(RecordSet::Of(su, kKeys).Create({{"name", "forged"}, {"user_id", kAdmin}}));
}

TEST(ApiKeys, RemoveIsForTheOwnerOrASystemUser) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  const Environment admin(installed.registry, c, kAdmin);
  const Environment alice(installed.registry, c, MakeUser(admin, "ak_remover", "group_user"));
  const Environment bob(installed.registry, c, MakeUser(admin, "ak_victim", "group_user"));
  const Environment pub(installed.registry, c, Ref(c, "base.public_user"));
  GenerateApiKey(alice, std::nullopt, "alice 1", InDays(10));
  const std::int64_t alice_key = LastKeyId(c);
  GenerateApiKey(bob, std::nullopt, "bob 1", InDays(10));
  const std::int64_t bob_key = LastKeyId(c);
  auto remove = [](const Environment& env, Value ids) {
    return orm::CallModelMethod(env, kKeys, "remove", Value::array({std::move(ids)}),
                                Value::object());
  };
  auto count = [&] { return Scalar(c, "SELECT count(*) FROM res_users_apikeys"); };

  EXPECT_EQ(ErrorOf<orm::AccessError>([&] { remove(alice, Value::array({bob_key})); }),
            "You can not remove API keys unless they're yours or you are a system user");
  EXPECT_THROW(remove(alice, Value::array({alice_key, bob_key})), orm::AccessError);
  EXPECT_THROW(remove(pub, Value::array({bob_key})), orm::AccessError);
  EXPECT_THROW(remove(alice, Value::array({bob_key + 1000})), orm::MissingError);
  EXPECT_THROW(orm::CallModelMethod(alice, kKeys, "remove",
                                    Value::array({Value::array({alice_key}), 1}), Value::object()),
               orm::ArgumentError);
  EXPECT_EQ(count(), "2");

  EXPECT_EQ(remove(alice, Value::array({alice_key})),
            Value({{"type", "ir.actions.act_window_close"}}));
  EXPECT_EQ(count(), "1");
  EXPECT_EQ(remove(alice, Value::array()), Value({{"type", "ir.actions.act_window_close"}}));
  EXPECT_EQ(remove(admin, Value::array({bob_key})),
            Value({{"type", "ir.actions.act_window_close"}}));
  EXPECT_EQ(count(), "0");
}

TEST(ApiKeys, MakeKeyReturnsOdoosActionWithTheKey) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  const Environment admin(installed.registry, c, kAdmin);
  const Environment alice(installed.registry, c, MakeUser(admin, "ak_maker", "group_user"));
  const Environment bob(installed.registry, c, MakeUser(admin, "ak_other", "group_user"));
  const Environment portal(installed.registry, c,
                           MakeUser(admin, "ak_portal_maker", "group_portal"));
  auto wizard = [](const Environment& env, const std::string& name, const Value& expiration) {
    const Value vals = {{"name", name}, {"expiration_date", expiration}};
    return orm::CallModelMethod(env, kWizard, "create", Value::array({vals}), Value::object())
        .get<std::int64_t>();
  };
  auto make_key = [](const Environment& env, std::int64_t id) {
    return orm::CallModelMethod(env, kWizard, "make_key", Value::array({Value::array({id})}),
                                Value::object());
  };

  const std::string expiration = base::FormatUtcDatetime(InDays(7));
  const std::int64_t id = wizard(alice, "ci runner", expiration);
  // Another user neither reads nor uses it.
  EXPECT_THROW(make_key(bob, id), orm::AccessError);
  EXPECT_EQ(RecordSet::Of(bob, kWizard).SearchCount(Value::array()), 0);

  const Value action = make_key(alice, id);
  ASSERT_TRUE(action["context"]["default_key"].is_string()) << action.dump();
  const std::string key = action["context"]["default_key"].get<std::string>();
  EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{40}"))) << key;
  EXPECT_EQ(action,
            Value::parse(R"({"type": "ir.actions.act_window", "res_model": "res.users.apikeys.show",
      "name": "API Key Ready", "views": [[false, "form"]], "target": "new",
      "context": {"default_key": ")" +
                         key + R"(", "default_name": "ci runner"}})"));
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM res_users_apikeys_description"), "0")
      << "the wizard is gone";
  const auto row = StoredRow(c, LastKeyId(c));
  EXPECT_EQ(row.at("user_id"), std::to_string(alice.uid()));
  EXPECT_EQ(row.at("name"), "ci runner");
  EXPECT_EQ(row.at("expiration_date"), std::string(expiration).replace(10, 1, "T"));
  EXPECT_EQ(row.at("scope"), "null");
  EXPECT_EQ(Lookup(c, key, "rpc").size(), 1u);
  EXPECT_THROW(make_key(alice, id), orm::MissingError) << "a wizard makes one key";

  // Portal users may open the wizard (Odoo's rights) but not make a key.
  const std::int64_t portal_wizard = wizard(portal, "portal", expiration);
  EXPECT_EQ(ErrorOf<orm::AccessError>([&] { make_key(portal, portal_wizard); }),
            "Only internal users can create API keys");
  EXPECT_THROW(orm::CallModelMethod(alice, kWizard, "make_key",
                                    Value::array({Value::array({id}), "x"}), Value::object()),
               orm::ArgumentError);
}

TEST(ApiKeys, ExpirationIsRequiredAndBoundedForPlainUsers) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  const Environment admin(installed.registry, c, kAdmin);
  const Environment alice(installed.registry, c, MakeUser(admin, "ak_bounded", "group_user"));
  using std::chrono::hours;

  EXPECT_EQ(ErrorOf<orm::ValidationError>(
                [&] { GenerateApiKey(alice, std::nullopt, "forever", std::nullopt); }),
            "The API key must have an expiration date");
  EXPECT_EQ(ErrorOf<orm::ValidationError>(
                [&] { GenerateApiKey(alice, std::nullopt, "long", InDays(91)); }),
            "You cannot exceed 90 days.");
  EXPECT_EQ(ErrorOf<orm::ValidationError>(
                [&] { GenerateApiKey(alice, std::nullopt, "old", InDays(0) - hours(1)); }),
            "The API key's expiration date must be in the future.");
  EXPECT_THROW(GenerateApiKey(alice, std::nullopt, "  ", InDays(1)), orm::ValidationError);
  EXPECT_THROW(GenerateApiKey(alice, std::nullopt, std::string(257, 'n'), InDays(1)),
               orm::ValidationError);
  EXPECT_THROW(GenerateApiKey(alice, "", "empty scope", InDays(1)), orm::ValidationError);
  EXPECT_NO_THROW(GenerateApiKey(alice, std::nullopt, std::string(256, 'n'), InDays(89)));
  // The wizard checks when it is made, as Odoo's create.
  auto wizard = [](const Environment& env, const Value& expiration) {
    const Value vals = {{"name", "w"}, {"expiration_date", expiration}};
    return orm::CallModelMethod(env, kWizard, "create", Value::array({vals}), Value::object());
  };
  EXPECT_EQ(
      ErrorOf<orm::ValidationError>([&] { wizard(alice, base::FormatUtcDatetime(InDays(120))); }),
      "You cannot exceed 90 days.");
  EXPECT_EQ(ErrorOf<orm::ValidationError>([&] { wizard(alice, false); }),
            "The API key must have an expiration date");

  // System users (and C++ in su) may make keys that never expire or last longer.
  EXPECT_NO_THROW(GenerateApiKey(admin, std::nullopt, "server", std::nullopt));
  EXPECT_EQ(Scalar(c,
                   "SELECT coalesce(expiration_date::text, 'never') FROM res_users_apikeys "
                   "WHERE id = (SELECT max(id) FROM res_users_apikeys)"),
            "never");
  EXPECT_NO_THROW(GenerateApiKey(admin, std::nullopt, "yearly", InDays(400)));
  EXPECT_NO_THROW(GenerateApiKey(alice.Sudo(), std::nullopt, "granted", InDays(400)));
  EXPECT_THROW(GenerateApiKey(admin, std::nullopt, "old", InDays(0) - hours(1)),
               orm::ValidationError);
  EXPECT_NO_THROW(wizard(admin, false));
}

TEST(ApiKeys, VacuumDeletesExpiredKeysAndStaleWizards) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  const Environment admin(installed.registry, c, kAdmin);
  GenerateApiKey(admin, std::nullopt, "expired", InDays(1));
  const std::int64_t expired = LastKeyId(c);
  GenerateApiKey(admin, std::nullopt, "current", InDays(1));
  GenerateApiKey(admin, std::nullopt, "forever", std::nullopt);
  ASSERT_TRUE(c.Execute(
      "UPDATE res_users_apikeys SET expiration_date = now() at time zone 'utc' - interval '1 "
      "minute' WHERE id = $1",
      expired));
  auto deleted = base::DeleteExpiredApiKeys(c);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(Scalar(c, "SELECT string_agg(name, ',' ORDER BY name) FROM res_users_apikeys"),
            "current,forever");

  RecordSet wizards = RecordSet::Of(admin, kWizard);
  const std::int64_t old = wizards.Create({{"name", "old"}}).at(0);
  wizards.Create({{"name", "new"}});
  ASSERT_TRUE(c.Execute(
      "UPDATE res_users_apikeys_description SET create_date = create_date - interval '2 hours', "
      "write_date = write_date - interval '2 hours' WHERE id = $1",
      old));
  auto stale = base::DeleteStaleApiKeyDescriptions(c);
  ASSERT_TRUE(stale) << stale.error().message;
  EXPECT_EQ(*stale, 1);
  EXPECT_EQ(Scalar(c, "SELECT string_agg(name, ',') FROM res_users_apikeys_description"), "new");
}

TEST(ApiKeys, UpgradeFromTheVersionBeforeMakesTheTable) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  // A database of base 18.0.1.0: no API key tables, rights or rules.
  const std::string report = UpgradeBaseFrom(
      c, installed, "18.0.1.0",
      {"DROP TABLE res_users_apikeys", "DROP TABLE res_users_apikeys_description",
       "DELETE FROM ir_rule WHERE model_id IN (SELECT id FROM ir_model WHERE model LIKE "
       "'res.users.apikeys%')",
       "DELETE FROM ir_model_access WHERE model_id IN (SELECT id FROM ir_model WHERE model LIKE "
       "'res.users.apikeys%')",
       "DELETE FROM ir_model_data WHERE module = 'base' AND (name LIKE 'api_key%' OR name LIKE "
       "'access_res_users_apikeys%')"});
  EXPECT_NE(report.find("base 18.0.1.0 -> " + BaseModule().manifest.version), std::string::npos) << report;
  EXPECT_EQ(
      Scalar(
          c,
          "SELECT count(*) FROM ir_model_access WHERE model_id IN (SELECT id FROM ir_model WHERE "
          "model LIKE 'res.users.apikeys%')"),
      "4");
  EXPECT_EQ(Scalar(c,
                   "SELECT count(*) FROM ir_rule WHERE model_id IN (SELECT id FROM ir_model WHERE "
                   "model LIKE "
                   "'res.users.apikeys%')"),
            "4");
  const Environment admin(installed.registry, c, kAdmin);
  const std::string key = GenerateApiKey(admin, std::nullopt, "after upgrade", InDays(1));
  EXPECT_EQ(Lookup(c, key, "rpc").size(), 1u);
}

}  // namespace
}  // namespace citadel::modules::testing
