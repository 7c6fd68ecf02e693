#include "orm/compute_test_models.hpp"

#include <stdexcept>

#include "orm/compute.hpp"
#include "orm/errors.hpp"
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

FieldDef Stored(FieldDef field) {
  field.store = true;
  return field;
}

// Stored computes of the kinds a create computes before its INSERT: from a
// many2one's field (label), the record itself (root_id, as res.partner's
// commercial_partner_id, with SetSelf), through a computed many2one to a
// new record (root_label), a stored related (owner_code), over an x2many
// (line_total) and a many2many (watcher_count), an editable one (note);
// one that queries the database
// itself (x.stamp's serial), which waits for the row; ones that need the id
// (x.ticket's number) or read the value SetSelf gave (x.mirror's me_ref).
std::vector<ModelDef> PrecomputeModels() {
  ModelDef owner = Def("x.owner");
  owner.fields = {F("name", FieldType::kChar), F("code", FieldType::kChar)};
  ModelDef task = Def("x.task");
  task.order = "id";
  FieldDef name = F("name", FieldType::kChar);
  name.required = true;
  FieldDef lines = F("line_ids", FieldType::kOne2many, "x.task.line");
  lines.inverse_name = "task_id";
  FieldDef root = Stored(Computed("root_id", FieldType::kMany2one, "_compute_root", {"parent_id.root_id"}));
  root.comodel = "x.task";
  FieldDef note = Stored(Computed("note", FieldType::kChar, "_compute_note", {"name"}));
  note.readonly = false;
  task.fields = {name,
                 F("owner_id", FieldType::kMany2one, "x.owner"),
                 F("parent_id", FieldType::kMany2one, "x.task"),
                 lines,
                 Stored(Computed("label", FieldType::kChar, "_compute_label", {"name", "owner_id.name"})),
                 root,
                 Stored(Computed("root_label", FieldType::kChar, "_compute_root_label", {"root_id.label"})),
                 Stored(Related("owner_code", "owner_id.code")),
                 Stored(Computed("line_total", FieldType::kInteger, "_compute_line_total", {"line_ids.qty"})),
                 note,
                 M2m("watcher_ids", "x.owner", "x_task_watcher_rel", "task_id", "owner_id"),
                 Stored(Computed("watcher_count", FieldType::kInteger, "_compute_watcher_count", {"watcher_ids"}))};
  task.computes["_compute_watcher_count"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch.Set(i, "watcher_count", static_cast<std::int64_t>(batch.Get(i, "watcher_ids").size()));
    }
  };
  task.computes["_compute_label"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Value& owner_name = batch.Get(i, "owner_id.name");
      const std::string own = batch.Get(i, "name").get<std::string>();
      batch.Set(i, "label", owner_name.is_string() ? owner_name.get<std::string>() + ": " + own : own);
    }
  };
  task.computes["_compute_root"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Value& parent_root = batch.Get(i, "parent_id.root_id");
      if (parent_root.is_array()) {
        batch.Set(i, "root_id", parent_root[0]);
      } else {
        batch.SetSelf(i, "root_id");
      }
    }
  };
  task.computes["_compute_root_label"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) batch.Set(i, "root_label", batch.Get(i, "root_id.label"));
  };
  task.computes["_compute_line_total"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::int64_t total = 0;
      for (const Value& qty : batch.Get(i, "line_ids.qty")) total += qty.get<std::int64_t>();
      batch.Set(i, "line_total", total);
    }
  };
  task.computes["_compute_note"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch.Set(i, "note", "about " + batch.Get(i, "name").get<std::string>());
    }
  };
  ModelDef line = Def("x.task.line");
  FieldDef line_task = F("task_id", FieldType::kMany2one, "x.task");
  line_task.ondelete = OnDelete::kCascade;
  line.fields = {line_task, F("qty", FieldType::kInteger)};
  ModelDef stamp = Def("x.stamp");
  stamp.fields = {F("name", FieldType::kChar),
                  Stored(Computed("serial", FieldType::kInteger, "_compute_serial", {"name"}))};
  stamp.computes["_compute_serial"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // How many stamps bear this name, itself included: only its row can say.
      auto count = batch.env().connection().Execute("SELECT count(*) FROM x_stamp WHERE name = $1",
                                                    batch.Get(i, "name").get<std::string>());
      if (!count) throw DatabaseError(count.error());
      batch.Set(i, "serial", std::stoll(count->Text(0, "count")));
    }
  };
  // Computes that need the id itself: number asks for it, me_ref reads the
  // many2one SetSelf gave.
  ModelDef ticket = Def("x.ticket");
  FieldDef me = Stored(Computed("me_id", FieldType::kMany2one, "_compute_me", {"name"}));
  me.comodel = "x.ticket";
  ticket.fields = {F("name", FieldType::kChar),
                   Stored(Computed("number", FieldType::kChar, "_compute_number", {"name"})),
                   me,
                   Stored(Computed("me_ref", FieldType::kChar, "_compute_me_ref", {"me_id"}))};
  ticket.computes["_compute_number"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // A method's own error reaches the caller, whenever it runs.
      if (batch.Get(i, "name") == "boom") throw UserError("no ticket may be called boom");
      batch.Set(i, "number", "T-" + std::to_string(batch.id(i)));
    }
  };
  ticket.computes["_compute_me"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) batch.SetSelf(i, "me_id");
  };
  ticket.computes["_compute_me_ref"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Value& me_id = batch.Get(i, "me_id");
      batch.Set(i, "me_ref", me_id.is_array() ? "#" + me_id[0].dump() : "none");
    }
  };
  // The same without number: only me_ref reaches for the id.
  ModelDef mirror = Def("x.mirror");
  FieldDef mirror_me = Stored(Computed("me_id", FieldType::kMany2one, "_compute_me", {"name"}));
  mirror_me.comodel = "x.mirror";
  mirror.fields = {F("name", FieldType::kChar), mirror_me,
                   Stored(Computed("me_ref", FieldType::kChar, "_compute_me_ref", {"me_id"}))};
  mirror.computes["_compute_me"] = ticket.computes["_compute_me"];
  mirror.computes["_compute_me_ref"] = ticket.computes["_compute_me_ref"];
  return {owner, task, line, stamp, ticket, mirror};
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
  std::vector<ModelDef> models = {groups, users, ir_model, access, rule, data, country, Contact(), note};
  for (ModelDef& def : PrecomputeModels()) models.push_back(std::move(def));
  return models;
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
