#include "orm/record_set_test_models.hpp"

#include <stdexcept>

#include "orm/schema_pgtest_support.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm::record_testing {
namespace {

using schema_testing::F;

FieldDef M2m(std::string name, std::string comodel, std::string relation, std::string column1,
             std::string column2) {
  FieldDef f = F(std::move(name), FieldType::kMany2many, std::move(comodel));
  f.relation = std::move(relation);
  f.column1 = std::move(column1);
  f.column2 = std::move(column2);
  return f;
}

ModelDef Def(std::string name, std::string description) {
  ModelDef def;
  def.name = std::move(name);
  def.description = std::move(description);
  return def;
}

FieldDef Flag(std::string name, bool value) {
  FieldDef f = F(std::move(name), FieldType::kBoolean);
  f.default_value = FieldDefault{Value(value), {}};
  return f;
}

std::vector<ModelDef> Models() {
  ModelDef groups = Def("res.groups", "Access Groups");
  groups.fields = {F("name", FieldType::kChar)};

  ModelDef users = Def("res.users", "User");
  FieldDef login = F("login", FieldType::kChar);
  login.required = true;
  FieldDef password = F("password", FieldType::kChar);
  password.write_only = true;
  // Odoo's columns that AccessGuard (and its cache's triggers) read.
  users.fields = {login,
                  password,
                  M2m("groups_id", "res.groups", "res_groups_users_rel", "uid", "gid"),
                  M2m("company_ids", "res.company", "res_company_users_rel", "user_id", "cid"),
                  F("company_id", FieldType::kMany2one, "res.company"),
                  F("partner_id", FieldType::kMany2one, "res.partner"),
                  Flag("active", true)};
  users.rec_name = "login";
  users.sql_constraints = {{"login_key", "UNIQUE (login)", "You can not have two users with the same login!"}};

  ModelDef company = Def("res.company", "Companies");
  // parent_id as Odoo's: record rules walk it with child_of / parent_of.
  company.fields = {F("name", FieldType::kChar), F("parent_id", FieldType::kMany2one, "res.company")};
  company.parent_name = "parent_id";

  ModelDef ir_model = Def("ir.model", "Models");
  ir_model.fields = {F("model", FieldType::kChar), F("name", FieldType::kChar)};

  ModelDef access = Def("ir.model.access", "Model Access");
  access.fields = {F("name", FieldType::kChar), F("model_id", FieldType::kMany2one, "ir.model"),
                   F("group_id", FieldType::kMany2one, "res.groups"), Flag("active", true),
                   Flag("perm_read", false),
                   Flag("perm_write", false), Flag("perm_create", false), Flag("perm_unlink", false)};

  ModelDef rule = Def("ir.rule", "Record Rule");
  rule.fields = {F("name", FieldType::kChar), F("model_id", FieldType::kMany2one, "ir.model"),
                 M2m("groups", "res.groups", "rule_group_rel", "rule_group_id", "group_id"),
                 F("domain_force", FieldType::kText), Flag("perm_read", true),
                 Flag("perm_write", true), Flag("perm_create", true), Flag("perm_unlink", true),
                 Flag("active", true)};

  ModelDef data = Def("ir.model.data", "Model Data");
  data.fields = {F("module", FieldType::kChar), F("name", FieldType::kChar),
                 F("model", FieldType::kChar), F("res_id", FieldType::kInteger)};

  ModelDef category = Def("res.partner.category", "Partner Tags");
  category.fields = {F("name", FieldType::kChar)};

  ModelDef partner = Def("res.partner", "Contact");
  partner.parent_name = "parent_id";
  partner.order = "name, id";
  FieldDef name = F("name", FieldType::kChar);
  name.required = true;
  FieldDef ref = F("ref", FieldType::kChar);
  ref.size = 8;
  FieldDef weight = F("weight", FieldType::kFloat);
  weight.digits = std::make_pair(16, 2);
  FieldDef type = F("type", FieldType::kSelection);
  type.selection = {{"contact", "Contact"}, {"invoice", "Invoice"}};
  type.default_value = FieldDefault{Value("contact"), {}};
  FieldDef parent = F("parent_id", FieldType::kMany2one, "res.partner");
  parent.ondelete = OnDelete::kCascade;
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
  children.inverse_name = "parent_id";
  FieldDef note = F("internal_note", FieldType::kText);
  note.groups = {"base.group_system"};
  FieldDef color = F("color", FieldType::kInteger);
  color.default_value = FieldDefault{std::nullopt, [](const Environment& env) {
                                       return Value(env.uid() * 10);
                                     }};
  partner.fields = {name, ref, F("comment", FieldType::kText),
                    F("website_description", FieldType::kHtml), color,
                    F("latitude", FieldType::kFloat), weight,
                    F("credit_limit", FieldType::kMonetary), Flag("active", true),
                    F("birthday", FieldType::kDate), F("last_seen", FieldType::kDatetime), type,
                    parent, children, F("company_id", FieldType::kMany2one, "res.company"),
                    F("user_id", FieldType::kMany2one, "res.users"),
                    F("category_id", FieldType::kMany2many, "res.partner.category"), note};
  partner.sql_constraints = {{"ref_uniq", "unique(ref)", "The reference must be unique"}};
  // A one2many copied with its records (copy=true), as Odoo's bank_ids.
  FieldDef banks = F("bank_ids", FieldType::kOne2many, "res.partner.bank");
  banks.inverse_name = "partner_id";
  banks.copy = true;
  partner.fields.push_back(banks);
  // As res_partner.py: copies are named "<name> (copy)".
  partner.copy_data = {RecordSet::CopyNameSuffix()};
  // Module methods for the dispatcher's tests: a record method and a model
  // method, both exposed, and one that is not.
  partner.methods["test_echo"] = [](const RecordSet& records, const Value& args, const Value& kwargs) {
    return Value{{"ids", records.ids()}, {"args", args}, {"kwargs", kwargs},
                 {"context", records.env().context()}, {"su", records.env().su()}};
  };
  partner.methods["test_count"] = [](const RecordSet& records, const Value&, const Value&) {
    return Value(records.SearchCount(Value::array()));
  };
  partner.methods["test_hidden"] = [](const RecordSet&, const Value&, const Value&) { return Value(1); };
  partner.model_methods = {"test_count"};
  partner.exposed_methods = {"test_echo", "test_count"};
  ModelDef bank = Def("res.partner.bank", "Bank Accounts");
  bank.rec_name = "acc_number";
  FieldDef bank_partner = F("partner_id", FieldType::kMany2one, "res.partner");
  bank_partner.ondelete = OnDelete::kCascade;
  bank.fields = {F("acc_number", FieldType::kChar), bank_partner};
  // A model without rec_name (name_create returns false on it).
  ModelDef no_name = Def("test.no.name", "No Name");
  no_name.fields = {F("code", FieldType::kChar)};
  return {groups, users, company, ir_model, access, rule, data, category, partner, bank, no_name};
}

}  // namespace

std::shared_ptr<const Registry> RecordTestRegistry() {
  static const std::shared_ptr<const Registry> registry = [] {
    RegistryBuilder builder;
    for (auto& def : Models()) builder.AddModel("base", std::move(def));
    auto built = builder.Build();
    if (!built) throw std::runtime_error(built.error().message);
    return *built;
  }();
  return registry;
}

RecordFixture RecordFixture::Make(const std::string& database) {
  db::Connection connection = schema_testing::FreshDatabase(database);
  auto sync = SchemaSync::Create(RecordTestRegistry());
  if (!sync) throw std::runtime_error(sync.error().message);
  schema_testing::SyncOrFail(*sync, connection);
  RecordFixture fixture(std::move(connection), RecordTestRegistry());
  for (const auto& model : fixture.registry_->models()) {
    auto r = fixture.connection_.Execute("INSERT INTO ir_model (model, name) VALUES ($1, $2)",
                                         model->name(), model->description());
    if (!r) throw std::runtime_error(r.error().message);
  }
  fixture.AddUser("admin", {});
  return fixture;
}

std::string RecordFixture::Scalar(const std::string& description, db::SqlText sql) {
  auto r = connection_.Execute(sql);
  if (!r) throw std::runtime_error(description + ": " + r.error().message);
  return r->Text(0, r->ColumnName(0));
}

std::int64_t RecordFixture::AddGroup(const std::string& name, const std::string& xml_id) {
  auto r = connection_.Execute("INSERT INTO res_groups (name) VALUES ($1) RETURNING id", name);
  if (!r) throw std::runtime_error(r.error().message);
  const std::int64_t id = std::stoll(r->Text(0, "id"));
  if (!xml_id.empty()) {
    const auto dot = xml_id.find('.');
    auto d = connection_.Execute(
        "INSERT INTO ir_model_data (module, name, model, res_id) VALUES ($1, $2, 'res.groups', $3)",
        xml_id.substr(0, dot), xml_id.substr(dot + 1), id);
    if (!d) throw std::runtime_error(d.error().message);
  }
  return id;
}

std::int64_t RecordFixture::AddUser(const std::string& login,
                                    const std::vector<std::int64_t>& groups) {
  auto r = connection_.Execute("INSERT INTO res_users (login, active) VALUES ($1, true) RETURNING id", login);
  if (!r) throw std::runtime_error(r.error().message);
  const std::int64_t id = std::stoll(r->Text(0, "id"));
  for (std::int64_t group : groups) {
    auto g = connection_.Execute("INSERT INTO res_groups_users_rel (uid, gid) VALUES ($1, $2)", id,
                                 group);
    if (!g) throw std::runtime_error(g.error().message);
  }
  return id;
}

void RecordFixture::AddAccess(const std::string& model, std::int64_t group,
                              const std::string& flags) {
  auto has = [&](char c) { return flags.find(c) != std::string::npos; };
  auto r = connection_.Execute(
      "INSERT INTO ir_model_access (name, model_id, group_id, perm_read, perm_write, perm_create, "
      "perm_unlink, active) SELECT 'access', id, NULLIF($2::int8, 0), $3, $4, $5, $6, true FROM ir_model WHERE "
      "model = $1",
      model, group, has('r'), has('w'), has('c'), has('u'));
  if (!r || r->affected_rows() != 1) throw std::runtime_error("AddAccess " + model);
}

void RecordFixture::AddRule(const std::string& model, const std::string& domain_json,
                            const std::vector<std::int64_t>& groups, const std::string& flags) {
  auto has = [&](char c) { return flags.find(c) != std::string::npos; };
  auto r = connection_.Execute(
      "INSERT INTO ir_rule (name, model_id, domain_force, perm_read, perm_write, perm_create, "
      "perm_unlink, active) SELECT 'rule', id, $2, $3, $4, $5, $6, true FROM ir_model WHERE model "
      "= $1 RETURNING id",
      model, domain_json, has('r'), has('w'), has('c'), has('u'));
  if (!r || r->rows() != 1) throw std::runtime_error("AddRule " + model);
  const std::string rule = r->Text(0, "id");
  for (std::int64_t group : groups) {
    auto g = connection_.Execute(
        "INSERT INTO rule_group_rel (rule_group_id, group_id) VALUES ($1::int8, $2)", rule, group);
    if (!g) throw std::runtime_error(g.error().message);
  }
}

std::int64_t RecordFixture::AddCompany(const std::string& name) {
  auto r = connection_.Execute("INSERT INTO res_company (name) VALUES ($1) RETURNING id", name);
  if (!r) throw std::runtime_error(r.error().message);
  return std::stoll(r->Text(0, "id"));
}

}  // namespace citadel::orm::record_testing
