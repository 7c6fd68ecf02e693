// SanitizeHtml against an XSS corpus (OWASP's filter evasion cheat sheet and
// friends): no script-capable construct survives, ordinary formatting does.
#include "orm/html_sanitizer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>
#include <vector>

#include "orm/errors.hpp"

namespace citadel::orm {
namespace {

// A literal with NUL bytes inside, whole.
template <std::size_t N>
std::string WithNul(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The markup of the output (what is between '<' and '>'), lower case: text
// content is escaped by the sanitiser, so only markup can run anything.
std::vector<std::string> Tags(const std::string& html) {
  std::vector<std::string> tags;
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string::npos) {
    const auto end = html.find('>', at);
    tags.push_back(Lower(html.substr(at, end == std::string::npos ? std::string::npos : end - at + 1)));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return tags;
}

void ExpectHarmless(const std::string& payload) {
  const std::string out = SanitizeHtml(payload);
  static const std::regex kEventHandler(R"(\son[a-z]+\s*=)");
  static const std::vector<std::string> kForbidden = {
      "<script", "<iframe", "<object", "<embed", "<style", "<form", "<svg", "<math", "<base", "<link",
      "<meta", "<frame", "<applet", "<input", "<button", "<textarea", "<template", "javascript:",
      "vbscript:", "data:text", "expression(", "@import", "<!--"};
  for (const std::string& tag : Tags(out)) {
    EXPECT_FALSE(std::regex_search(tag, kEventHandler)) << payload << " -> " << out;
    std::string compact;
    for (char c : tag) {
      if (static_cast<unsigned char>(c) > 0x20) compact.push_back(c);
    }
    for (const auto& bad : kForbidden) {
      EXPECT_EQ(compact.find(bad), std::string::npos) << payload << " -> " << out << " (" << bad << ")";
    }
  }
  // Nothing in the output is an unescaped '<' that is not a tag we emitted.
  EXPECT_EQ(out.find('\0'), std::string::npos);
}

TEST(HtmlSanitizerTest, XssCorpusLeavesNothingThatRuns) {
  const std::vector<std::string> corpus = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
      "<ScRiPt>alert(1)</sCrIpT>",
      "<scr<script>ipt>alert(1)</script>",
      "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
      "<img src=x onerror=alert(1)>",
      "<IMG SRC=\"javascript:alert('XSS');\">",
      "<IMG SRC=JaVaScRiPt:alert('XSS')>",
      "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
      "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
      "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
      "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097>",
      "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
      "<IMG SRC=\"jav\tascript:alert('XSS');\">",
      "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
      "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
      "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
      WithNul("<IMG SRC=java\0script:alert(\"XSS\")>"),
      WithNul("<SCR\0IPT>alert(1)</SCR\0IPT>"),
      "<a href=\"javascript:alert(1)\">click</a>",
      "<a href=\"&#106;avascript:alert(1)\">click</a>",
      "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
      "<a href=\" javascript:alert(1)\">x</a>",
      "<a href=\"vbscript:msgbox(1)\">x</a>",
      "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
      "<a href=\"data:image/png;base64,AAAA\">x</a>",
      "<svg onload=alert(1)>",
      "<svg><script>alert(1)</script></svg>",
      "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<IFRAME SRC=\"http://evil.example/\"></IFRAME>",
      "<object data=\"javascript:alert(1)\"></object>",
      "<embed src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
      "<style>@import 'http://evil.example/xss.css';</style>",
      "<div style=\"background-image: url(javascript:alert(1))\">x</div>",
      "<div style=\"width: expression(alert('XSS'));\">x</div>",
      "<div style=\"width: expr/**/ession(alert('XSS'));\">x</div>",
      "<span style=\"behavior: url(x.htc)\">x</span>",
      "<form action=\"javascript:alert(1)\"><input type=submit></form>",
      "<button formaction=\"javascript:alert(1)\">x</button>",
      "<body onload=alert(1)>",
      "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
      "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
      "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
      "<BASE HREF=\"javascript:alert('XSS');//\">",
      "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"javascript:alert('XSS')\">",
      "<DIV onmouseover=\"alert(1)\">x</DIV>",
      "<p ONCLICK=alert(1)>x</p>",
      "<p/onclick=alert(1)>x</p>",
      "<img src=\"x\" / onerror=\"alert(1)\">",
      "<details open ontoggle=alert(1)>",
      "<video><source onerror=\"alert(1)\"></video>",
      "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
      "<!-- <script>alert(1)</script> -->",
      "<XSS STYLE=\"xss:expression(alert('XSS'))\">",
      "<template><script>alert(1)</script></template>",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
      "<a href=\"java&Tab;script:alert(1)\">x</a>",
      "<a href=\"javascript&colon;alert(1)\">x</a>",
      "\"><script>alert(1)</script>",
      "'';!--\"<XSS>=&{()}",
      "<IMG LOWSRC=\"javascript:alert('XSS')\">",
      "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
      "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
  };
  for (const auto& payload : corpus) ExpectHarmless(payload);
}

TEST(HtmlSanitizerTest, SpecificRemovals) {
  EXPECT_EQ(SanitizeHtml("<img src=x onerror=alert(1)>"), "<img src=\"x\">");
  EXPECT_EQ(SanitizeHtml("<a href=\"javascript:alert(1)\">click</a>"), "<a>click</a>");
  EXPECT_EQ(SanitizeHtml("<p>a<script>alert(1)</script>b</p>"), "<p>ab</p>");
  EXPECT_EQ(SanitizeHtml("<iframe src=\"http://x\">inside</iframe>after"), "after");
  EXPECT_EQ(SanitizeHtml("<style>p{}</style><p>t</p>"), "<p>t</p>");
  EXPECT_EQ(SanitizeHtml("<svg onload=alert(1)><b>kept</b></svg>"), "<b>kept</b>");
  // A form goes, its text stays; its controls go.
  EXPECT_EQ(SanitizeHtml("<form action=\"/x\">Name <input name=n></form>"), "Name ");
}

TEST(HtmlSanitizerTest, OrdinaryFormattingSurvives) {
  const std::vector<std::string> kept = {
      "<p>Hello <b>bold</b> <i>italic</i> <u>under</u> <strong>strong</strong> <em>em</em></p>",
      "<ul><li>one</li><li>two</li></ul>",
      "<ol><li>first</li></ol>",
      "<h1>T1</h1><h2>T2</h2><h3>T3</h3><h4>T4</h4><h5>T5</h5><h6>T6</h6>",
      "<p>line<br>break</p>",
      "<a href=\"https://example.com/page?a=1&amp;b=2\">link</a>",
      "<a href=\"http://example.com\">link</a>",
      "<a href=\"mailto:someone@example.com\">mail</a>",
      "<a href=\"/web#id=3\">relative</a>",
      "<table><tbody><tr><td>cell</td><td colspan=\"2\">wide</td></tr></tbody></table>",
      "<span class=\"badge\" style=\"color: red\">span</span>",
      "<div data-oe-model=\"res.partner\">div</div>",
      "<img src=\"https://example.com/logo.png\" alt=\"logo\">",
      "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
      "<blockquote>quote</blockquote><pre>code  kept</pre>",
  };
  for (const auto& html : kept) EXPECT_EQ(SanitizeHtml(html), html);
}

TEST(HtmlSanitizerTest, TextIsKeptAndEscaped) {
  // Bare text becomes a paragraph, as Odoo's (lxml's html.fromstring) does.
  EXPECT_EQ(SanitizeHtml("plain text"), "<p>plain text</p>");
  EXPECT_EQ(SanitizeHtml("a &lt;b&gt; &amp; c"), "<p>a &lt;b&gt; &amp; c</p>");
  EXPECT_EQ(SanitizeHtml("<p title='a\"b'>x</p>"), "<p title=\"a&quot;b\">x</p>");
  EXPECT_EQ(SanitizeHtml("<p>Caf\xC3\xA9</p>"), "<p>Caf\xC3\xA9</p>");
  EXPECT_EQ(SanitizeHtml(""), "");
}

TEST(HtmlSanitizerTest, RefusesInputOverTwoMebibytes) {
  const std::string big(kMaxHtmlBytes + 1, 'a');
  EXPECT_THROW(SanitizeHtml(big), ValidationError);
  const std::string limit(kMaxHtmlBytes, 'a');
  EXPECT_EQ(SanitizeHtml(limit), "<p>" + limit + "</p>");
}

}  // namespace
}  // namespace citadel::orm
