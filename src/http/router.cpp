#include "http/router.hpp"

#include <set>
#include <stdexcept>

namespace citadel::http {

void Router::Add(std::string method, std::string path, Handler handler, RouteOptions options) {
  if (method.empty() || path.empty() || path.front() != '/' || !handler) {
    throw std::invalid_argument("route needs a method, a path starting with '/' and a handler: " +
                                method + " " + path);
  }
  bool is_prefix = path.size() >= 2 && path.ends_with("/*");
  if (!is_prefix && path.find('*') != std::string::npos) {
    throw std::invalid_argument("'*' is only allowed as a trailing \"/*\": " + path);
  }
  auto& table = is_prefix ? prefixes_[path.substr(0, path.size() - 1)] : exact_[path];
  if (table.contains(method)) {
    throw std::invalid_argument("duplicate route: " + method + " " + path);
  }
  std::string key = method;
  table.emplace(std::move(key), Route{std::move(method), std::move(path), std::move(handler),
                                      options});
}

RouteMatch Router::MatchIn(const MethodTable& table, std::string_view method) {
  RouteMatch match;
  auto found = table.find(method);
  if (found == table.end() && method == "HEAD") found = table.find("GET");
  if (found != table.end()) {
    match.kind = RouteMatch::Kind::kFound;
    match.route = &found->second;
    match.pattern = found->second.pattern;
    return match;
  }
  match.kind = RouteMatch::Kind::kMethodNotAllowed;
  match.pattern = table.begin()->second.pattern;
  std::set<std::string_view> allowed;
  for (const auto& [name, route] : table) allowed.insert(name);
  if (allowed.contains("GET")) allowed.insert("HEAD");
  for (auto name : allowed) {
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += name;
  }
  return match;
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  if (auto exact = exact_.find(path); exact != exact_.end()) {
    return MatchIn(exact->second, method);
  }
  // std::greater ordering visits "/web/static/" before "/web/": longest first
  // among prefixes that share a start.
  for (const auto& [prefix, table] : prefixes_) {
    if (path.starts_with(prefix)) return MatchIn(table, method);
  }
  RouteMatch none;
  none.pattern = std::string(kUnmatchedRoute);
  return none;
}

}  // namespace citadel::http
