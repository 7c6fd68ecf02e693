#include "modules/base/models/user_hooks.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "modules/base/models/group_closure.hpp"
#include "modules/base/models/model_values.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

// Gives each user without a partner one, named after the user (Odoo's
// _inherits creates it with the values meant for it).
void CreateMissingPartners(const orm::RecordSet& users, const orm::Value& vals_list) {
  const orm::Environment su = users.env().Sudo();
  const orm::RecordSet sudo_users(su, users.model(), users.ids());
  const orm::Value rows = sudo_users.Read({"partner_id", "login", "company_id", "active"});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const orm::Value& row = rows[i];
    if (IdOf(row["partner_id"]) != 0) continue;
    const orm::Value vals = i < vals_list.size() ? vals_list[i] : orm::Value::object();
    orm::Value partner = {{"name", row["login"]}, {"active", row["active"]}};
    for (const char* key : {"name", "email", "lang", "tz"}) {
      if (vals.contains(key) && !vals[key].is_null() && vals[key] != false) partner[key] = vals[key];
    }
    if (const std::int64_t company = IdOf(row["company_id"])) partner["company_id"] = company;
    const std::int64_t partner_id =
        orm::RecordSet::Of(su, "res.partner").Create(partner).at(0);
    orm::RecordSet(su, users.model(), {row["id"].get<std::int64_t>()})
        .Write({{"partner_id", partner_id}});
  }
}

// The partner of each user takes its company (unless the partner is
// global) and, on create, its active flag.
void SyncPartners(const orm::RecordSet& users, bool with_active) {
  const orm::Environment su = users.env().Sudo();
  const orm::Value rows =
      orm::RecordSet(su, users.model(), users.ids()).Read({"partner_id", "company_id", "active"});
  orm::RecordSet partners = orm::RecordSet::Of(su, "res.partner");
  for (const auto& row : rows) {
    const std::int64_t partner_id = IdOf(row["partner_id"]);
    if (partner_id == 0) continue;
    const orm::Value partner = partners.Browse({partner_id}).Read({"company_id", "active"})[0];
    orm::Value vals = orm::Value::object();
    const std::int64_t company = IdOf(row["company_id"]);
    if (IdOf(partner["company_id"]) != 0 && IdOf(partner["company_id"]) != company) {
      vals["company_id"] = company;
    }
    if (with_active && partner["active"] != row["active"]) vals["active"] = row["active"];
    if (!vals.empty()) partners.Browse({partner_id}).Write(vals);
  }
}

}  // namespace

void AddUserHooks(orm::ModelDef& users_def) {
  users_def.after_create.push_back([](const orm::RecordSet& created, const orm::Value& vals_list) {
    CreateMissingPartners(created, vals_list.is_array() ? vals_list : orm::Value::array({vals_list}));
    SyncPartners(created, /*with_active=*/true);
    StoreImpliedGroups(created.env(), created.ids());
  });
  users_def.after_write.push_back([](const orm::RecordSet& records, const orm::Value& vals) {
    const auto& ids = records.ids();
    auto contains = [&](std::int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); };
    if (vals.contains("active") && vals["active"] == true && contains(kSuperuserId)) {
      throw orm::UserError("You cannot activate the superuser.");
    }
    if (vals.contains("active") && vals["active"] == false && contains(records.env().uid())) {
      throw orm::UserError("You cannot deactivate the user you're currently logged in as.");
    }
    if (vals.contains("groups_id")) StoreImpliedGroups(records.env(), ids);
    if (vals.contains("company_id")) SyncPartners(records, /*with_active=*/false);
  });
}

}  // namespace citadel::modules::base
