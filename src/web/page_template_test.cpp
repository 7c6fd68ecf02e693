#include "web/page_template.hpp"

#include <gtest/gtest.h>

#include "web/page_templates.hpp"

namespace citadel::web {
namespace {

TEST(PageTemplate, EscapesEveryValueByDefault) {
  auto page = PageTemplate::Load("t.html", "<p title=\"{{x}}\">{{x}}</p>");
  ASSERT_TRUE(page) << page.error().message;
  PageValues values;
  values.Set("x", "<script>alert('1')</script>\"&");
  EXPECT_EQ(page->Render(values),
            "<p title=\"&lt;script&gt;alert(&apos;1&apos;)&lt;/script&gt;&quot;&amp;\">"
            "&lt;script&gt;alert(&apos;1&apos;)&lt;/script&gt;&quot;&amp;</p>");
}

TEST(PageTemplate, RefusesEveryUnescapedFormAtLoad) {
  for (const char* text : {"{{{x}}}", "a {{& x}} b", "{{&x}}", "{{ & x }}", "{{=<% %>=}}<%& x%>", "{{> other}}",
                           "{{& sanitized_html}}", "{{& sanitized_html.}}", "{{& sanitized_html.a.b}}",
                           "{{{sanitized_html.body}}}", "{{x", "{{#a}}unclosed section"}) {
    auto page = PageTemplate::Load("bad.html", text);
    EXPECT_FALSE(page) << text;
  }
}

TEST(PageTemplate, SanitizedHtmlIsTheOneRawForm) {
  auto page = PageTemplate::Load("t.html", "<div>{{& sanitized_html.body}}</div>");
  ASSERT_TRUE(page) << page.error().message;
  PageValues values;
  values.SetSanitizedHtml("body", SanitizedHtml::From("<b>bold</b><script>alert(1)</script><a href=\"javascript:x\">l</a>"));
  const std::string html = page->Render(values);
  EXPECT_NE(html.find("<b>bold</b>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
}

TEST(PageTemplate, PlainTextCannotPoseAsSanitizedHtml) {
  PageValues values;
  EXPECT_THROW(values.Set("sanitized_html", "<b>x</b>"), std::invalid_argument);
  // A text value named like a sanitized one is escaped by the escaped form,
  // and the raw form only ever reads the sanitized table.
  auto page = PageTemplate::Load("t.html", "[{{& sanitized_html.body}}]");
  ASSERT_TRUE(page);
  values.Set("body", "<b>x</b>");
  EXPECT_EQ(page->Render(values), "[]");
}

TEST(PageTemplate, SectionsAndLists) {
  auto page = PageTemplate::Load("t.html", "{{#on}}yes{{/on}}{{^on}}no{{/on}}{{#items}}<i>{{.}}</i>{{/items}}");
  ASSERT_TRUE(page);
  PageValues values;
  values.SetFlag("on", false).SetList("items", {"a<", "b"});
  EXPECT_EQ(page->Render(values), "no<i>a&lt;</i><i>b</i>");
}

TEST(PageTemplate, AnEmptyTextCanLeaveItsSectionOut) {
  auto page = PageTemplate::Load("t.html", "{{#error}}<p>{{error}}</p>{{/error}}");
  ASSERT_TRUE(page);
  PageValues values;
  values.SetUnlessEmpty("error", "");
  EXPECT_EQ(page->Render(values), "");
  values.SetUnlessEmpty("error", "bad");
  EXPECT_EQ(page->Render(values), "<p>bad</p>");
}

TEST(PageTemplate, RowsEscapeEveryColumn) {
  auto page = PageTemplate::Load("t.html", "{{#keys}}<tr><td>{{name}}</td><td>{{id}}</td></tr>{{/keys}}");
  ASSERT_TRUE(page);
  PageValues values;
  values.SetRows("keys", {{{"name", "<img src=x onerror=y>"}, {"id", "1"}}, {{"name", "b"}, {"id", "2\""}}});
  EXPECT_EQ(page->Render(values),
            "<tr><td>&lt;img src=x onerror=y&gt;</td><td>1</td></tr><tr><td>b</td><td>2&quot;</td></tr>");
  EXPECT_THROW(values.SetRows("rows", {{{"sanitized_html", "<b>x</b>"}}}), std::invalid_argument);
}

TEST(PageTemplates, TheShippedTemplatesLoadAndEscape) {
  auto set = PageTemplates::LoadEmbedded();
  ASSERT_TRUE(set) << set.error().message;
  PageValues values;
  values.Set("login", "\"><script>x</script>").Set("csrf_token", "tok").Set("db", "acme");
  const std::string html = set->Get("login.html").Render(values);
  EXPECT_EQ(html.find("<script>x"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("name=\"csrf_token\" value=\"tok\""), std::string::npos);
  for (const char* name : {"reset_request.html", "reset_password.html", "home.html", "refused.html",
                           "login_totp.html", "totp.html", "api_keys.html"}) {
    EXPECT_NO_THROW(set->Get(name)) << name;
  }
}

TEST(PageTemplates, ASetWithOneRefusedTemplateDoesNotLoad) {
  EXPECT_FALSE(PageTemplates::Load({{"ok.html", "{{x}}"}, {"bad.html", "{{{x}}}"}}));
}

}  // namespace
}  // namespace citadel::web
