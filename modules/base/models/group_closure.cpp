#include "modules/base/models/group_closure.hpp"

#include <string>

#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

std::string IdArray(const std::vector<std::int64_t>& ids) {
  std::string text = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) text += (i ? "," : "") + std::to_string(ids[i]);
  return text + "}";
}

bool TouchesMembership(const orm::Value& vals) {
  return vals.is_object() && (vals.contains("users") || vals.contains("implied_ids"));
}

}  // namespace

void StoreImpliedGroups(const orm::Environment& env, const std::vector<std::int64_t>& user_ids) {
  const std::string users = IdArray(user_ids);
  auto inserted = env.connection().Execute(
      "WITH RECURSIVE implied(gid, hid) AS (SELECT gid, hid FROM res_groups_implied_rel UNION "
      "SELECT i.gid, r.hid FROM res_groups_implied_rel r JOIN implied i ON i.hid = r.gid) "
      "INSERT INTO res_groups_users_rel (gid, uid) SELECT DISTINCT i.hid, u.uid FROM implied i "
      "JOIN res_groups_users_rel u ON u.gid = i.gid WHERE (cardinality($1::int8[]) = 0 OR u.uid = "
      "ANY($1::int8[])) AND NOT EXISTS (SELECT 1 FROM res_groups_users_rel x WHERE x.gid = i.hid "
      "AND x.uid = u.uid)",
      users);
  if (!inserted) throw orm::DatabaseError(std::move(inserted.error()));

  // share = not in base.group_user; written through the ORM (in su) so that
  // what depends on it (res.partner.partner_share) is recomputed.
  auto rows = env.connection().Execute(
      "SELECT u.id, coalesce(u.share, false) AS share, NOT EXISTS (SELECT 1 FROM "
      "res_groups_users_rel r JOIN ir_model_data d ON d.res_id = r.gid AND d.model = 'res.groups' "
      "AND d.module = 'base' AND d.name = 'group_user' WHERE r.uid = u.id) AS wanted FROM "
      "res_users u WHERE cardinality($1::int8[]) = 0 OR u.id = ANY($1::int8[])",
      users);
  if (!rows) throw orm::DatabaseError(std::move(rows.error()));
  std::vector<std::int64_t> to_share, to_internal;
  for (int row = 0; row < rows->rows(); ++row) {
    const bool wanted = rows->Text(row, "wanted") == "t";
    if (wanted == (rows->Text(row, "share") == "t")) continue;
    (wanted ? to_share : to_internal).push_back(std::stoll(rows->Text(row, "id")));
  }
  const orm::Environment su = env.Sudo();
  const orm::Model& model = su.GetModel("res.users");
  if (!to_share.empty()) orm::RecordSet(su, model, to_share).Write({{"share", true}});
  if (!to_internal.empty()) orm::RecordSet(su, model, to_internal).Write({{"share", false}});
}

void AddGroupClosureHooks(orm::ModelDef& groups_def) {
  groups_def.after_create.push_back([](const orm::RecordSet& created, const orm::Value& vals_list) {
    bool touches = false;
    for (const auto& vals : vals_list) touches = touches || TouchesMembership(vals);
    if (touches) StoreImpliedGroups(created.env(), {});
  });
  groups_def.after_write.push_back([](const orm::RecordSet& records, const orm::Value& vals) {
    if (TouchesMembership(vals)) StoreImpliedGroups(records.env(), {});
  });
}

}  // namespace citadel::modules::base
