#include "rpc/session_info.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "orm/record_set.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {
namespace {

using orm::RecordSet;
using orm::Value;

// Odoo's DEFAULT_MAX_CONTENT_LENGTH: what the web client may upload at once.
constexpr std::int64_t kMaxFileUploadSize = 128 * 1024 * 1024;

std::int64_t Many2oneId(const Value& v) { return v.is_array() && !v.empty() ? v[0].get<std::int64_t>() : 0; }

std::vector<std::int64_t> Ids(const Value& v) {
  std::vector<std::int64_t> ids;
  if (v.is_array()) {
    for (const Value& id : v) ids.push_back(id.get<std::int64_t>());
  }
  return ids;
}

Value TextOrFalse(const Value& v) { return v.is_string() ? v : Value(false); }

// The res.groups ids of base's groups that session_info names.
std::map<std::string, std::int64_t> BaseGroupIds(const orm::Environment& su) {
  const Value rows = RecordSet::Of(su, "ir.model.data")
                         .SearchRead(Value::array({Value::array({"module", "=", "base"}),
                                                   Value::array({"model", "=", "res.groups"}),
                                                   Value::array({"name", "in", Value::array({
                                                                     "group_system", "group_erp_manager",
                                                                     "group_multi_company"})})}),
                                     {"name", "res_id"}, 0, std::nullopt, "");
  std::map<std::string, std::int64_t> ids;
  for (const Value& row : rows) ids[row["name"].get<std::string>()] = row["res_id"].get<std::int64_t>();
  return ids;
}

Value Companies(const orm::Environment& su, const std::vector<std::int64_t>& company_ids) {
  Value allowed = Value::object();
  const Value rows = RecordSet::Of(su, "res.company").Browse(company_ids).Read({"name", "sequence", "child_ids", "parent_id"});
  for (const Value& row : rows) {
    Value children = Value::array();
    for (std::int64_t child : Ids(row["child_ids"])) {
      if (std::find(company_ids.begin(), company_ids.end(), child) != company_ids.end()) children.push_back(child);
    }
    const std::int64_t parent = Many2oneId(row["parent_id"]);
    allowed[std::to_string(row["id"].get<std::int64_t>())] =
        Value{{"id", row["id"]}, {"name", row["name"]}, {"sequence", row["sequence"]},
              {"child_ids", children}, {"parent_id", parent ? Value(parent) : Value(false)}};
  }
  return allowed;
}

Value Currencies(const orm::Environment& su) {
  Value currencies = Value::object();
  const Value rows = RecordSet::Of(su, "res.currency")
                         .SearchRead(Value::array(), {"symbol", "position", "decimal_places"}, 0, std::nullopt, "");
  for (const Value& row : rows) {
    const std::int64_t places = row["decimal_places"].is_number() ? row["decimal_places"].get<std::int64_t>() : 2;
    currencies[std::to_string(row["id"].get<std::int64_t>())] =
        Value{{"symbol", row["symbol"]}, {"position", row["position"]}, {"digits", Value::array({69, places})}};
  }
  return currencies;
}

}  // namespace

Value WebSessionInfo(const orm::Environment& env, std::string_view db) {
  const orm::Environment su = env.Sudo();
  const std::int64_t uid = env.uid();
  const Value user = RecordSet::Of(su, "res.users")
                         .Browse({uid})
                         .Read({"name", "login", "partner_id", "company_id", "company_ids", "share",
                                "groups_id", "lang", "tz"})
                         .at(0);
  const std::vector<std::int64_t> groups = Ids(user["groups_id"]);
  auto in_group = [&](const std::map<std::string, std::int64_t>& ids, const char* name) {
    auto it = ids.find(name);
    return it != ids.end() && std::find(groups.begin(), groups.end(), it->second) != groups.end();
  };
  const auto group_ids = BaseGroupIds(su);
  const bool internal = !(user["share"].is_boolean() && user["share"].get<bool>());
  const std::int64_t partner_id = Many2oneId(user["partner_id"]);
  Value partner = Value{{"display_name", false}, {"write_date", false}};
  if (partner_id) partner = RecordSet::Of(su, "res.partner").Browse({partner_id}).Read({"display_name", "write_date"}).at(0);
  const Value lang = user["lang"].is_string() ? user["lang"] : Value("en_US");
  const Value user_context{{"lang", lang}, {"tz", TextOrFalse(user["tz"])}, {"uid", uid}};
  const Value version = OdooVersionInfo();

  Value info{{"uid", uid},
             {"is_system", in_group(group_ids, "group_system")},
             {"is_admin", in_group(group_ids, "group_erp_manager")},
             {"is_public", false},
             {"is_internal_user", internal},
             {"user_context", user_context},
             {"db", std::string(db)},
             {"server_version", version["server_version"]},
             {"server_version_info", version["server_version_info"]},
             {"support_url", "https://www.odoo.com/buy"},
             {"name", user["name"]},
             {"username", user["login"]},
             {"partner_display_name", partner["display_name"]},
             {"partner_id", partner_id ? Value(partner_id) : Value()},
             {"partner_write_date", partner["write_date"]},
             {"web.base.url", ""},
             {"active_ids_limit", 20000},
             {"max_file_upload_size", kMaxFileUploadSize},
             {"home_action_id", false},
             {"currencies", Currencies(su)},
             {"bundle_params", Value{{"lang", lang}}},
             {"test_mode", false}};
  if (internal) {
    const std::vector<std::int64_t> company_ids = Ids(user["company_ids"]);
    info["user_companies"] = Value{{"current_company", Many2oneId(user["company_id"])},
                                   {"allowed_companies", Companies(su, company_ids)},
                                   {"disallowed_ancestor_companies", Value::object()}};
    info["show_effect"] = true;
    info["display_switch_company_menu"] = in_group(group_ids, "group_multi_company") && company_ids.size() > 1;
  }
  return info;
}

}  // namespace citadel::rpc
