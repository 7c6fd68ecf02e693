// res.partner's create and write hooks, as Odoo 18's res_partner.py create(),
// write(), _fields_sync(), _children_sync(), _commercial_sync_from_company(),
// _commercial_sync_to_children() and _handle_first_contact_creation():
//   - a contact (type "contact") under a company takes the company's address
//     (street, street2, zip, city, state_id, country_id) when its parent or
//     type is set, if the company has any address; when a company's address
//     changes, its active contacts follow (Odoo's child_ids are the active
//     children);
//   - commercial fields (vat, company_registry) come from the commercial
//     entity (the top company) and follow it down the hierarchy;
//   - the first contact of an address-less company gives it its address;
//   - a company's contacts follow its company_id;
//   - a child takes its parent's language when none was given;
//   - a website without scheme gets http://;
//   - contacts linked to an active user cannot be archived.
// Odoo writes addresses with super().write(), which skips these hooks on the
// contacts; Citadel marks such writes with a context key the hooks honour.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "modules/base/models/model_values.hpp"
#include "modules/base/models/res_partner_behaviour.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

using orm::Environment;
using orm::RecordSet;
using orm::Value;

// Set on the environment of an address update (Odoo's super().write in
// update_address): the written partners' hooks do not run again.
constexpr const char* kAddressOnly = "citadel_partner_address_only";

const std::vector<std::string>& AddressFields() {
  static const std::vector<std::string> fields = {"street", "street2",  "zip",
                                                  "city",   "state_id", "country_id"};
  return fields;
}

const std::vector<std::string>& CommercialFields() {
  static const std::vector<std::string> fields = {"vat", "company_registry"};
  return fields;
}

bool Truthy(const Value& value) {
  if (value.is_null() || value == false) return false;
  if (value.is_string()) return !value.get<std::string>().empty();
  if (value.is_number()) return value != 0;
  if (value.is_array()) return !value.empty();
  return true;
}

// A read value as a write value (a many2one [id, name] -> id).
Value ToWrite(const Value& value) {
  if (value.is_array() && value.size() == 2 && value[0].is_number_integer()) return value[0];
  return value;
}

Value ReadOne(const Environment& su, std::int64_t id, const std::vector<std::string>& fields) {
  return RecordSet::Of(su, "res.partner").Browse({id}).Read(fields)[0];
}

// Odoo's _update_fields_values: the partner's values of `fields`, for write().
Value FieldValues(const Environment& su, std::int64_t id, const std::vector<std::string>& fields) {
  const Value row = ReadOne(su, id, fields);
  Value vals = Value::object();
  for (const auto& field : fields) vals[field] = ToWrite(row[field]);
  return vals;
}

// Odoo's update_address: writes the address part of `vals`, without the
// partners' own hooks (super().write).
void UpdateAddress(const Environment& env, const std::vector<std::int64_t>& ids, const Value& vals) {
  if (ids.empty()) return;
  Value address = Value::object();
  for (const auto& field : AddressFields()) {
    if (vals.contains(field)) address[field] = vals[field];
  }
  if (address.empty()) return;
  Value context = env.context();
  context[kAddressOnly] = true;
  const Environment quiet = env.WithContext(context);
  RecordSet::Of(quiet, "res.partner").Browse(ids).Write(address);
}

std::vector<std::int64_t> Children(const Environment& su, std::int64_t id, bool only_persons,
                                   bool only_contacts) {
  // Odoo 18's child_ids: domain [('active', '=', True)] (its context's
  // active_test=False does not widen an explicit domain), so archived
  // contacts neither follow their company nor count as its contacts.
  Value domain = Value::array({Value::array({"parent_id", "=", id}), Value::array({"active", "=", true})});
  if (only_persons) domain.push_back(Value::array({"is_company", "=", false}));
  if (only_contacts) domain.push_back(Value::array({"type", "=", "contact"}));
  return RecordSet::Of(su, "res.partner").Search(domain, 0, std::nullopt, "id");
}

void CommercialSyncToChildren(const Environment& su, std::int64_t id,
                              const std::vector<std::string>& fields) {
  if (fields.empty()) return;
  const std::int64_t commercial = IdOf(ReadOne(su, id, {"commercial_partner_id"})["commercial_partner_id"]);
  const Value vals = FieldValues(su, commercial == 0 ? id : commercial, fields);
  const std::vector<std::int64_t> children = Children(su, id, /*only_persons=*/true, false);
  for (std::int64_t child : children) CommercialSyncToChildren(su, child, fields);
  if (!children.empty()) RecordSet::Of(su, "res.partner").Browse(children).Write(vals);
}

void CommercialSyncFromCompany(const Environment& su, std::int64_t id) {
  const std::int64_t commercial = IdOf(ReadOne(su, id, {"commercial_partner_id"})["commercial_partner_id"]);
  if (commercial == 0 || commercial == id) return;
  RecordSet::Of(su, "res.partner").Browse({id}).Write(FieldValues(su, commercial, CommercialFields()));
  CommercialSyncToChildren(su, id, CommercialFields());
}

// Odoo's _children_sync. `may_have_children` false: the partner was just
// created and no command of its create can have given it contacts.
void ChildrenSync(const Environment& env, std::int64_t id, const Value& vals, bool may_have_children) {
  bool commercial_changed = false, address_changed = false;
  for (const auto& field : CommercialFields()) commercial_changed = commercial_changed || vals.contains(field);
  for (const auto& field : AddressFields()) address_changed = address_changed || vals.contains(field);
  // Nothing to pass on: no need to look for contacts.
  if (!(commercial_changed || address_changed) || !may_have_children) return;
  const Environment su = env.Sudo();
  if (Children(su, id, false, false).empty()) return;
  const Value row = ReadOne(su, id, {"commercial_partner_id"});
  if (IdOf(row["commercial_partner_id"]) == id) {
    std::vector<std::string> fields;
    for (const auto& field : CommercialFields()) {
      if (vals.contains(field)) fields.push_back(field);
    }
    CommercialSyncToChildren(su, id, fields);
  }
  if (address_changed) UpdateAddress(env, Children(su, id, false, /*only_contacts=*/true), vals);
}

// Odoo's _fields_sync. `row`: the partner's parent_id and type, read before
// (neither changes here); `may_have_children` as ChildrenSync's.
void FieldsSync(const Environment& env, std::int64_t id, const Value& vals, const Value& row,
                bool may_have_children) {
  const Environment su = env.Sudo();
  const bool parent_given = vals.contains("parent_id") && Truthy(vals["parent_id"]);
  if (parent_given || (vals.contains("type") && vals["type"] == "contact")) {
    if (parent_given) CommercialSyncFromCompany(su, id);
    const std::int64_t parent = IdOf(row["parent_id"]);
    if (parent != 0 && row["type"] == "contact") {
      // Odoo's onchange_parent_id: the parent's address, if it has one.
      const Value address = FieldValues(su, parent, AddressFields());
      bool any = false;
      for (const auto& [key, value] : address.items()) any = any || Truthy(value);
      if (any) UpdateAddress(env, {id}, address);
    }
  }
  ChildrenSync(env, id, vals, may_have_children);
}

void HandleFirstContactCreation(const Environment& env, std::int64_t id, std::int64_t parent) {
  if (parent == 0) return;
  const Environment su = env.Sudo();
  const Value parent_row = ReadOne(su, parent, {"is_company", "parent_id"});
  if (!(parent_row["is_company"] == true || IdOf(parent_row["parent_id"]) == 0)) return;
  const Value mine = FieldValues(su, id, AddressFields());
  const Value theirs = FieldValues(su, parent, AddressFields());
  bool mine_any = false, theirs_any = false;
  for (const auto& field : AddressFields()) {
    mine_any = mine_any || Truthy(mine[field]);
    theirs_any = theirs_any || Truthy(theirs[field]);
  }
  if (!mine_any || theirs_any || Children(su, parent, false, false).size() != 1) return;
  UpdateAddress(env, {parent}, mine);
}

// Odoo's _clean_website: "example.com" -> "http://example.com".
bool NeedsScheme(const std::string& website) {
  const auto colon = website.find(':');
  if (colon == std::string::npos || colon == 0) return true;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = website[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) return true;
  }
  return !std::isalpha(static_cast<unsigned char>(website[0]));
}

void CleanWebsites(const RecordSet& partners, const Value& vals) {
  if (!vals.contains("website") || !vals["website"].is_string()) return;
  const std::string website = vals["website"].get<std::string>();
  if (website.empty() || !NeedsScheme(website)) return;
  partners.Write({{"website", "http://" + website}});
}

void RefuseArchivingUsers(const RecordSet& partners) {
  const Environment su = partners.env().Sudo();
  Value domain = Value::array({Value::array({"partner_id", "in", partners.ids()})});
  RecordSet users = RecordSet::Of(su, "res.users");
  const std::vector<std::int64_t> linked = users.Search(domain);
  if (linked.empty()) return;
  std::string names;
  for (const auto& row : users.Browse(linked).Read({"display_name"})) {
    names += (names.empty() ? "" : ", ") + row["display_name"].get<std::string>();
  }
  throw orm::ValidationError(
      "You cannot archive contacts linked to an active user.\nAsk an administrator to archive "
      "their associated user first.\n\nLinked active users :\n" + names);
}

// Odoo's _check_parent_id: no partner is its own ancestor.
void CheckNoCycle(const Environment& env, std::int64_t id) {
  const Environment su = env.Sudo();
  std::vector<std::int64_t> seen = {id};
  std::int64_t parent = IdOf(ReadOne(su, id, {"parent_id"})["parent_id"]);
  while (parent != 0) {
    if (std::find(seen.begin(), seen.end(), parent) != seen.end() || seen.size() > 256) {
      throw orm::ValidationError("You cannot create recursive Partner hierarchies.");
    }
    seen.push_back(parent);
    parent = IdOf(ReadOne(su, parent, {"parent_id"})["parent_id"]);
  }
}

bool Quiet(const Environment& env) {
  auto it = env.context().find(kAddressOnly);
  return it != env.context().end() && *it == true;
}

// Whether the create of a partner with `vals` can have given it contacts:
// nothing could point at it before it existed, so only the x2many commands
// of its create (from the values or the context's defaults) can have made
// some: child_ids, or a line whose own creation made one.
bool MayHaveChildren(const Environment& env, const orm::Model& model, const Value& vals) {
  for (const auto& field : model.fields()) {
    if (!orm::IsX2many(field->type())) continue;
    if (vals.contains(field->name()) || env.context().contains("default_" + field->name())) return true;
  }
  return false;
}

// Whether a partner created with `vals` may have a parent: the create took
// it from them, else from the context's or the field's default, as
// default_get gives them (a field without groups: exactly what create adds).
bool MayHaveParent(const RecordSet& created, const Value& vals) {
  if (vals.contains("parent_id")) return Truthy(vals["parent_id"]);
  const orm::Field* parent = created.model().FindField("parent_id");
  if (parent == nullptr || !parent->def().groups.empty()) return true;
  return Truthy(created.DefaultGet({"parent_id"}).value("parent_id", Value(false)));
}

void AfterCreate(const RecordSet& created, const Value& vals_list) {
  const Value list = vals_list.is_array() ? vals_list : Value::array({vals_list});
  const Environment& env = created.env();
  const Environment su = env.Sudo();
  // Parent and type of every new partner, read once (nothing below changes
  // them), when one may have a parent: without, neither is looked at.
  bool any_parent = false;
  for (std::size_t i = 0; i < created.ids().size() && !any_parent; ++i) {
    any_parent = MayHaveParent(created, i < list.size() && list[i].is_object() ? list[i] : Value::object());
  }
  Value rows = Value::array();
  if (any_parent) {
    rows = RecordSet(su, created.model(), created.ids()).Read({"parent_id", "type"});
  } else {
    for (std::size_t i = 0; i < created.ids().size(); ++i) rows.push_back(Value{{"parent_id", false}});
  }
  for (std::size_t i = 0; i < created.ids().size(); ++i) {
    const std::int64_t id = created.ids()[i];
    const Value vals = i < list.size() && list[i].is_object() ? list[i] : Value::object();
    const Value& row = rows.at(i);
    const std::int64_t parent = IdOf(row["parent_id"]);
    CleanWebsites(RecordSet(env, created.model(), {id}), vals);
    if (vals.contains("parent_id") && Truthy(vals["parent_id"]) && vals.contains("company_name") &&
        Truthy(vals["company_name"])) {
      RecordSet(env, created.model(), {id}).Write({{"company_name", false}});
    }
    FieldsSync(env, id, vals, row, MayHaveChildren(env, created.model(), vals));
    if (!vals.contains("lang") && parent != 0) {
      const Value lang = ReadOne(su, parent, {"lang"})["lang"];
      if (Truthy(lang)) RecordSet(env, created.model(), {id}).Write({{"lang", lang}});
    }
    HandleFirstContactCreation(env, id, parent);
  }
}

void AfterWrite(const RecordSet& records, const Value& vals) {
  const Environment& env = records.env();
  if (vals.contains("active") && vals["active"] == false) RefuseArchivingUsers(records);
  CleanWebsites(records, vals);
  if (vals.contains("parent_id") && Truthy(vals["parent_id"])) {
    records.Write({{"company_name", false}});
  }
  if (vals.contains("company_id")) {
    // Odoo: a company's contacts follow its company.
    for (std::int64_t id : records.ids()) {
      const std::vector<std::int64_t> children = Children(env.Sudo(), id, false, false);
      if (!children.empty()) {
        RecordSet(env, records.model(), children).Write({{"company_id", vals["company_id"]}});
      }
    }
  }
  if (vals.contains("parent_id")) {
    for (std::int64_t id : records.ids()) CheckNoCycle(env, id);
  }
  // FieldsSync looks at parent and type only when a parent or the contact
  // type was written: read them then, once for all the records.
  const bool needs_rows = (vals.contains("parent_id") && Truthy(vals["parent_id"])) ||
                          (vals.contains("type") && vals["type"] == "contact");
  const Value rows =
      needs_rows ? RecordSet(env.Sudo(), records.model(), records.ids()).Read({"parent_id", "type"}) : Value();
  for (std::size_t i = 0; i < records.ids().size(); ++i) {
    FieldsSync(env, records.ids()[i], vals, needs_rows ? rows.at(i) : Value::object(), true);
  }
}

}  // namespace

void AddPartnerSync(orm::ModelDef& def) {
  def.after_create.push_back([](const RecordSet& created, const Value& vals_list) {
    if (!Quiet(created.env())) AfterCreate(created, vals_list);
  });
  def.after_write.push_back([](const RecordSet& records, const Value& vals) {
    if (!Quiet(records.env())) AfterWrite(records, vals);
  });
}

}  // namespace citadel::modules::base
