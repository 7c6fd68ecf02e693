#include "web/page_response.hpp"

namespace citadel::web {

http::Response HtmlPage(int status, std::string html) {
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(html);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response RedirectTo(std::string_view path) {
  http::Response response;
  response.status = 303;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Location", std::string(path));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response RefusedPage(const PageTemplates& templates, int status, std::string_view title,
                           std::string_view text) {
  PageValues values;
  values.Set("title", title).Set("text", text);
  return HtmlPage(status, templates.Get("refused.html").Render(values));
}

}  // namespace citadel::web
