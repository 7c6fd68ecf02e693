#include "rpc/support_user.hpp"

#include <algorithm>
#include <vector>

#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "rpc/support_routes.hpp"

namespace citadel::rpc {
namespace {

constexpr std::int64_t kTenantAdminUid = 2;

orm::Value IdsOf(const orm::Value& many2many) {
  orm::Value ids = orm::Value::array();
  if (many2many.is_array()) {
    for (const orm::Value& id : many2many)
      if (id.is_number_integer()) ids.push_back(id);
  }
  return ids;
}

std::vector<std::int64_t> SortedIds(const orm::Value& many2many) {
  std::vector<std::int64_t> ids;
  for (const orm::Value& id : IdsOf(many2many)) ids.push_back(id.get<std::int64_t>());
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

std::int64_t EnsureSupportUser(const orm::Environment& env) {
  const orm::Environment su = env.Sudo().WithContext({{"active_test", false}});
  orm::RecordSet users = orm::RecordSet::Of(su, "res.users");
  const orm::Value admin =
      users.Browse({kTenantAdminUid}).Read({"groups_id", "company_id", "company_ids"});
  if (!admin.is_array() || admin.size() != 1)
    throw orm::UserError("This database has no administrator.");
  const orm::Value& row = admin[0];
  orm::Value vals = {
      {"active", true},
      {"groups_id", orm::Value::array({orm::Value::array({6, 0, IdsOf(row["groups_id"])})})},
      {"company_ids", orm::Value::array({orm::Value::array({6, 0, IdsOf(row["company_ids"])})})},
  };
  if (row["company_id"].is_array() && !row["company_id"].empty())
    vals["company_id"] = row["company_id"][0];
  const std::vector<std::int64_t> found =
      users.Search(orm::Value::array({orm::Value::array({"login", "=", kSupportUserLogin})}), 0, 1);
  if (!found.empty()) {
    // Written only when it differs: a write of groups bumps the tenant's
    // security version, and every cached right would reload.
    const orm::Value current =
        users.Browse(found).Read({"active", "groups_id", "company_id", "company_ids"});
    const bool same = current.size() == 1 && current[0]["active"] == true &&
                      SortedIds(current[0]["groups_id"]) == SortedIds(row["groups_id"]) &&
                      SortedIds(current[0]["company_ids"]) == SortedIds(row["company_ids"]) &&
                      current[0]["company_id"] == row["company_id"];
    if (!same) users.Browse(found).Write(vals);
    return found[0];
  }
  vals["login"] = kSupportUserLogin;
  vals["name"] = "Support (platform)";
  return users.Create(orm::Value::array({vals})).at(0);
}

}  // namespace citadel::rpc
