#include "orm/compute_test_models.hpp"

#include <stdexcept>

#include "orm/compute.hpp"
#include "orm/record_set.hpp"
#include "orm/schema_pgtest_support.hpp"

namespace citadel::orm::compute_testing {
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

ModelDef Def(std::string name) {
  ModelDef def;
  def.name = std::move(name);
  return def;
}

FieldDef Flag(std::string name, bool value) {
  FieldDef f = F(std::move(name), FieldType::kBoolean);
  f.default_value = FieldDefault{Value(value), {}};
  return f;
}

FieldDef Computed(std::string name, FieldType type, std::string method, std::vector<std::string> depends) {
  FieldDef f = F(std::move(name), type);
  f.compute = std::move(method);
  f.depends = std::move(depends);
  return f;
}

FieldDef Related(std::string name, std::string path) {
  FieldDef f = F(std::move(name), FieldType::kChar);  // type and comodel from the target
  f.related = std::move(path);
  return f;
}

std::vector<std::int64_t> Ids(const RecordSet& records) { return records.ids(); }

ModelDef Contact() {
  ModelDef m = Def("x.contact");
  m.parent_name = "parent_id";
  m.order = "name, id";
  FieldDef name = F("name", FieldType::kChar);
  name.required = true;
  FieldDef children = F("child_ids", FieldType::kOne2many, "x.contact");
  children.inverse_name = "parent_id";
  FieldDef complete = Computed("complete_name", FieldType::kChar, "_compute_complete_name",
                               {"name", "parent_id.complete_name"});
  complete.store = true;
  FieldDef parent_name = Related("parent_name", "parent_id.name");
  parent_name.store = true;
  FieldDef company_type = Computed("company_type", FieldType::kSelection, "_compute_company_type", {"is_company"});
  company_type.selection = {{"person", "Individual"}, {"company", "Company"}};
  company_type.inverse = "_inverse_company_type";
  FieldDef display_name = Computed("display_name", FieldType::kChar, "_compute_display_name", {"complete_name"});
  m.fields = {name,
              Flag("is_company", false),
              F("parent_id", FieldType::kMany2one, "x.contact"),
              children,
              F("country_id", FieldType::kMany2one, "res.country"),
              complete,
              parent_name,
              Computed("upper_name", FieldType::kChar, "_compute_names", {"name"}),
              Computed("name_length", FieldType::kInteger, "_compute_names", {"name"}),
              Computed("child_count", FieldType::kInteger, "_compute_child_count", {"child_ids"}),
              Related("parent_country_id", "parent_id.country_id"),
              Related("country_code", "country_id.code"),
              company_type,
              F("bio", FieldType::kHtml),
              F("ping", FieldType::kInteger),
              display_name};
  m.computes["_compute_complete_name"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Value& parent = batch.Get(i, "parent_id.complete_name");
      const std::string own = batch.Get(i, "name").get<std::string>();
      batch.Set(i, "complete_name", parent.is_string() ? parent.get<std::string>() + ", " + own : own);
    }
  };
  m.computes["_compute_names"] = [](ComputeBatch& batch) {  // one method, two fields
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::string text = batch.Get(i, "name").get<std::string>();
      batch.Set(i, "name_length", static_cast<std::int64_t>(text.size()));
      for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      batch.Set(i, "upper_name", text);
    }
  };
  m.computes["_compute_child_count"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch.Set(i, "child_count", static_cast<std::int64_t>(batch.Get(i, "child_ids").size()));
    }
  };
  m.computes["_compute_company_type"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch.Set(i, "company_type", batch.Get(i, "is_company") == true ? "company" : "person");
    }
  };
  m.computes["_compute_display_name"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) batch.Set(i, "display_name", batch.Get(i, "complete_name"));
  };
  m.inverses["_inverse_company_type"] = [](const RecordSet& records, const Value& vals) {
    records.Write(Value{{"is_company", vals.at("company_type") == "company"}});
  };
  m.after_create.push_back([](const RecordSet& created, const Value& vals_list) {
    HookCalls().push_back({"create", Ids(created), vals_list});
  });
  m.after_write.push_back([](const RecordSet& records, const Value& vals) {
    HookCalls().push_back({"write", Ids(records), vals});
    // A hook that writes what runs it again, without end: the nesting bound.
    if (vals.contains("ping") && vals["ping"].get<std::int64_t>() > 0) {
      records.Write(Value{{"ping", vals["ping"].get<std::int64_t>() + 1}});
    }
  });
  return m;
}

std::vector<ModelDef> Models() {
  ModelDef groups = Def("res.groups");
  groups.fields = {F("name", FieldType::kChar)};
  ModelDef users = Def("res.users");
  users.fields = {F("login", FieldType::kChar), M2m("groups_id", "res.groups", "res_groups_users_rel", "uid", "gid")};
  users.rec_name = "login";
  ModelDef ir_model = Def("ir.model");
  ir_model.fields = {F("model", FieldType::kChar), F("name", FieldType::kChar)};
  ModelDef access = Def("ir.model.access");
  access.fields = {F("name", FieldType::kChar), F("model_id", FieldType::kMany2one, "ir.model"),
                   F("group_id", FieldType::kMany2one, "res.groups"), Flag("active", true),
                   Flag("perm_read", false), Flag("perm_write", false), Flag("perm_create", false),
                   Flag("perm_unlink", false)};
  ModelDef rule = Def("ir.rule");
  rule.fields = {F("name", FieldType::kChar), F("model_id", FieldType::kMany2one, "ir.model"),
                 M2m("groups", "res.groups", "rule_group_rel", "rule_group_id", "group_id"),
                 F("domain_force", FieldType::kText), Flag("perm_read", true), Flag("perm_write", true),
                 Flag("perm_create", true), Flag("perm_unlink", true), Flag("active", true)};
  ModelDef data = Def("ir.model.data");
  data.fields = {F("module", FieldType::kChar), F("name", FieldType::kChar), F("model", FieldType::kChar),
                 F("res_id", FieldType::kInteger)};
  ModelDef country = Def("res.country");
  country.fields = {F("name", FieldType::kChar), F("code", FieldType::kChar)};
  ModelDef note = Def("x.note");
  note.fields = {F("name", FieldType::kChar), F("contact_id", FieldType::kMany2one, "x.contact"),
                 Related("contact_country_id", "contact_id.country_id")};
  return {groups, users, ir_model, access, rule, data, country, Contact(), note};
}

}  // namespace

std::vector<HookCall>& HookCalls() {
  static std::vector<HookCall> calls;
  return calls;
}

std::shared_ptr<const Registry> ComputeTestRegistry() {
  static const std::shared_ptr<const Registry> registry = [] {
    RegistryBuilder builder;
    for (auto& def : Models()) builder.AddModel("base", std::move(def));
    auto built = builder.Build();
    if (!built) throw std::runtime_error(built.error().message);
    return *built;
  }();
  return registry;
}

ComputeFixture ComputeFixture::Make(const std::string& database) {
  db::Connection connection = schema_testing::FreshDatabase(database);
  auto sync = SchemaSync::Create(ComputeTestRegistry());
  if (!sync) throw std::runtime_error(sync.error().message);
  schema_testing::SyncOrFail(*sync, connection);
  ComputeFixture fixture(std::move(connection), ComputeTestRegistry());
  for (const auto& model : fixture.registry_->models()) {
    auto r = fixture.connection_.Execute("INSERT INTO ir_model (model, name) VALUES ($1, $1)", model->name());
    if (!r) throw std::runtime_error(r.error().message);
  }
  auto admin = fixture.connection_.Execute("INSERT INTO res_users (login) VALUES ('admin')");
  if (!admin) throw std::runtime_error(admin.error().message);
  return fixture;
}

std::int64_t ComputeFixture::AddUserWithAccess(const std::string& login, const std::vector<std::string>& models,
                                               const std::vector<std::string>& flags) {
  auto group = connection_.Execute("INSERT INTO res_groups (name) VALUES ($1) RETURNING id", login);
  auto user = connection_.Execute("INSERT INTO res_users (login) VALUES ($1) RETURNING id", login);
  if (!group || !user) throw std::runtime_error("AddUserWithAccess " + login);
  const std::string gid = group->Text(0, "id");
  const std::string uid = user->Text(0, "id");
  auto link = connection_.Execute("INSERT INTO res_groups_users_rel (uid, gid) VALUES ($1::int8, $2::int8)", uid, gid);
  if (!link) throw std::runtime_error(link.error().message);
  for (std::size_t i = 0; i < models.size(); ++i) {
    auto has = [&](char c) { return flags[i].find(c) != std::string::npos; };
    auto r = connection_.Execute(
        "INSERT INTO ir_model_access (name, model_id, group_id, perm_read, perm_write, perm_create, perm_unlink, "
        "active) SELECT 'access', id, $2::int8, $3, $4, $5, $6, true FROM ir_model WHERE model = $1",
        models[i], gid, has('r'), has('w'), has('c'), has('u'));
    if (!r || r->affected_rows() != 1) throw std::runtime_error("access " + models[i]);
  }
  return std::stoll(uid);
}

std::string ComputeFixture::Text(db::SqlText sql, std::int64_t id) {
  auto r = connection_.Execute(sql, id);
  if (!r || r->rows() != 1) throw std::runtime_error("query failed or not one row");
  auto value = r->Get(0, 0);
  return value ? std::string(*value) : "<null>";
}

}  // namespace citadel::orm::compute_testing
