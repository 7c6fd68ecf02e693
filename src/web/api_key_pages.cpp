// GET /web/api_keys, POST /web/api_keys/create, POST /web/api_keys/revoke
// (web_pages.hpp): a signed-in user's API keys (res.users.apikeys, as Odoo
// 18's "Developer API Keys" in the user's preferences).
//
// Everything goes through the ORM as the user, in one transaction per page
// (rpc/caller_environment.hpp), so the model's rights and record rules
// decide: the list is search_read on the user's own keys (name, scope,
// dates; the key itself has no field), a new key comes from the wizard's
// make_key (its checks: internal users only, bounded expiry) and is shown
// once, revoking is the model's `remove`. Creating a key needs the
// password again (Odoo's check_identity). A revoked key is refused by the
// next call at once: every API call reads the user's keys in its own
// transaction before trusting the credential cache (rpc/object_service.cpp,
// rpc/json2_routes.cpp).
#include <charconv>
#include <limits>
#include <chrono>
#include <map>
#include <memory>

#include "core/logger.hpp"
#include "modules/base/api_keys.hpp"
#include "modules/base/utc_datetime.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/transaction_runner.hpp"
#include "rpc/caller_environment.hpp"
#include "web/account_page_support.hpp"
#include "web/page_response.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {
namespace {

using orm::Value;

constexpr const char* kApiKeyWrongPassword = "Wrong password.";

struct ApiKeyPageNotes {
  std::string error;
  std::string message;
  std::string new_key;  // shown this once
};

// `work` in one transaction as the user; the user-facing error's text, or
// nullopt for a server failure (logged).
std::optional<std::string> AsUser(WebPageServices& services, const SignedInUser& user,
                                  const std::function<void(const orm::Environment&)>& work) {
  auto connection = services.rpc.tenants.Acquire(user.tenant);
  if (!connection) return std::nullopt;
  orm::TransactionRunner runner(**connection, services.rpc.registry);
  try {
    runner.Run([&] { work(rpc::CallerEnvironment(services.rpc, **connection, user.tenant, user.uid)); });
    return std::string();
  } catch (...) {
    const rpc::RpcError error = rpc::RpcErrorFromException(std::current_exception(), "api-keys", "web.api_keys");
    if (error.kind != rpc::RpcError::Kind::kRaised) return std::nullopt;
    return error.message;
  }
}

std::string ShownValue(const Value& value) { return value.is_string() ? value.get<std::string>() : std::string(); }

// On a db worker: the user's keys and the notes.
void ShowApiKeysPage(WebPageServices& services, const std::string& binding, const SignedInUser& user,
                     ApiKeyPageNotes notes, const http::Responder& respond) {
  std::vector<std::map<std::string, std::string>> rows;
  auto failed = AsUser(services, user, [&](const orm::Environment& env) {
    const Value found = orm::CallModelMethod(
        env, "res.users.apikeys", "search_read",
        Value::array({Value::array({Value::array({"user_id", "=", user.uid})})}),
        {{"fields", Value::array({"name", "scope", "create_date", "expiration_date"})}, {"order", "id"}});
    for (const Value& key : found) {
      rows.push_back({{"id", std::to_string(key["id"].get<std::int64_t>())},
                      {"name", ShownValue(key["name"])},
                      {"scope", key["scope"].is_string() ? key["scope"].get<std::string>() : std::string("any")},
                      {"created", ShownValue(key["create_date"])},
                      {"expires", key["expiration_date"].is_string() ? key["expiration_date"].get<std::string>()
                                                                     : std::string("never")}});
    }
  });
  if (!failed) return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal("api-keys")));
  if (!failed->empty()) notes.error = *failed;
  PageValues values;
  values.Set("csrf_token", services.guard.TokenFor({binding, std::nullopt}))
      .Set("login", user.login)
      .Set("db", user.tenant)
      .SetUnlessEmpty("error", notes.error)
      .SetUnlessEmpty("message", notes.message)
      .SetUnlessEmpty("new_key", notes.new_key)
      .Set("max_days", std::to_string(modules::base::kApiKeyMaxDays))
      .SetRows("keys", rows);
  respond(HtmlPage(200, services.templates.Get("api_keys.html").Render(values)));
}

// A whole number in [low, high] written as plain digits, or nullopt.
std::optional<std::int64_t> BoundedNumber(const std::string& text, std::int64_t low, std::int64_t high) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) return std::nullopt;
  return value;
}

void CreatePost(WebPageServices& services, FormRequest form, http::Responder respond) {
  const std::string binding = form.binding;
  // Bounded before anything else; the model checks the name again.
  const std::string name = form.fields.Get("name");
  const auto days = BoundedNumber(form.fields.Get("days"), 1, modules::base::kApiKeyMaxDays);
  if (name.empty() || name.size() > 4 * modules::base::kApiKeyMaxNameChars || !days) {
    return WithSignedInUser(services, form, respond, [&services, binding, respond](const SignedInUser& user) {
      ShowApiKeysPage(services, binding, user,
                      {"Give the key a name (at most 256 characters) and a lifetime of 1 to " +
                           std::to_string(modules::base::kApiKeyMaxDays) + " days.",
                       "", ""},
                      respond);
    });
  }
  WithConfirmedPassword(
      services, form, respond,
      [&services, binding, name, days = *days, respond](const SignedInUser& user) {
        std::string key;
        const auto expiry = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                            std::chrono::days(days);
        auto failed = AsUser(services, user, [&](const orm::Environment& env) {
          const Value wizard = orm::CallModelMethod(
              env, "res.users.apikeys.description", "create",
              Value::array({{{"name", name}, {"expiration_date", modules::base::FormatUtcDatetime(expiry)}}}),
              Value::object());
          const std::int64_t id = wizard.is_array() ? wizard[0].get<std::int64_t>() : wizard.get<std::int64_t>();
          const Value action = orm::CallModelMethod(env, "res.users.apikeys.description", "make_key",
                                                    Value::array({Value::array({id})}), Value::object());
          key = action["context"]["default_key"].get<std::string>();
        });
        if (!failed) return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal("api-keys")));
        if (!failed->empty()) return ShowApiKeysPage(services, binding, user, {*failed, "", ""}, respond);
        core::Log().Info("API key created on the web page", {{"tenant", user.tenant}, {"uid", user.uid}});
        ShowApiKeysPage(services, binding, user, {"", "Key created.", key}, respond);
      },
      [&services, binding, respond](const SignedInUser& user) {
        ShowApiKeysPage(services, binding, user, {kApiKeyWrongPassword, "", ""}, respond);
      });
}

void RevokePost(WebPageServices& services, FormRequest form, http::Responder respond) {
  const std::string binding = form.binding;
  const auto key_id = BoundedNumber(form.fields.Get("key_id"), 1, std::numeric_limits<std::int32_t>::max());
  WithSignedInUser(services, form, respond, [&services, binding, key_id, respond](const SignedInUser& user) {
    if (!key_id) return ShowApiKeysPage(services, binding, user, {"No such key.", "", ""}, respond);
    auto failed = AsUser(services, user, [&](const orm::Environment& env) {
      orm::CallModelMethod(env, "res.users.apikeys", "remove", Value::array({Value::array({*key_id})}),
                           Value::object());
    });
    if (!failed) return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal("api-keys")));
    if (!failed->empty()) return ShowApiKeysPage(services, binding, user, {*failed, "", ""}, respond);
    core::Log().Info("API key revoked on the web page", {{"tenant", user.tenant}, {"uid", user.uid}});
    ShowApiKeysPage(services, binding, user, {"", "Key revoked.", ""}, respond);
  });
}

}  // namespace

void AddApiKeyPages(http::Router& router, WebPageServices& services) {
  router.Add("GET", "/web/api_keys", [&services](const http::Request& request, http::Responder respond) {
    ShowToSignedInUser(services, request, respond, [&services, respond](const std::string& binding, const SignedInUser& user) {
      ShowApiKeysPage(services, binding, user, {}, respond);
    });
  });
  services.guard.AddFormRoute(router, "/web/api_keys/create", [&services](FormRequest form, http::Responder respond) {
    CreatePost(services, std::move(form), std::move(respond));
  });
  services.guard.AddFormRoute(router, "/web/api_keys/revoke", [&services](FormRequest form, http::Responder respond) {
    RevokePost(services, std::move(form), std::move(respond));
  });
}

}  // namespace citadel::web
