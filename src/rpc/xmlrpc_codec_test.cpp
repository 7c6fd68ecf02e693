#include "rpc/xmlrpc_codec.hpp"

#include <gtest/gtest.h>

namespace citadel::rpc {
namespace {

using orm::Value;

// What Python's xmlrpc.client.dumps(..., "execute_kw", allow_none=True) sends.
constexpr std::string_view kPythonCall = R"(<?xml version='1.0'?>
<methodCall>
<methodName>execute_kw</methodName>
<params>
<param>
<value><int>1</int></value>
</param>
<param>
<value><string>s&lt;&amp;&gt;</string></value>
</param>
<param>
<value><boolean>1</boolean></value>
</param>
<param>
<value><double>1.5</double></value>
</param>
<param>
<value><nil/></value></param>
<param>
<value><array><data>
<value><int>1</int></value>
<value><struct>
<member>
<name>a</name>
<value><int>2</int></value>
</member>
</struct></value>
</data></array></value>
</param>
<param>
<value><dateTime.iso8601>20260123T10:00:00</dateTime.iso8601></value>
</param>
<param>
<value><base64>
aGk=
</base64></value>
</param>
</params>
</methodCall>
)";

std::string XmlRefusal(std::string_view body, const XmlRpcLimits& limits = {}) {
  auto call = ParseXmlRpcCall(body, limits);
  return call ? "accepted" : call.error().message;
}

std::string Call(std::string_view params) {
  return "<?xml version='1.0'?><methodCall><methodName>m</methodName><params>" + std::string(params) +
         "</params></methodCall>";
}

TEST(XmlRpcParse, EveryTypePythonSends) {
  auto call = ParseXmlRpcCall(kPythonCall);
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(call->method, "execute_kw");
  EXPECT_EQ(call->params, Value::parse(R"([1, "s<&>", true, 1.5, null, [1, {"a": 2}],
                                           "2026-01-23 10:00:00", "aGk="])"));
}

TEST(XmlRpcParse, UntypedValueIsAStringAndI8IsAnInteger) {
  auto call = ParseXmlRpcCall(Call("<param><value>plain</value></param>"
                                   "<param><value><i8>9000000000</i8></value></param>"
                                   "<param><value><i4>-7</i4></value></param>"
                                   "<param><value><string><![CDATA[<b>]]></string></value></param>"));
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(call->params, Value::parse(R"(["plain", 9000000000, -7, "<b>"])"));
}

TEST(XmlRpcParse, NoParamsIsAnEmptyList) {
  auto call = ParseXmlRpcCall("<methodCall><methodName>version</methodName></methodCall>");
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(call->params, Value::array());
}

TEST(XmlRpcParse, RefusesDoctypeAndEntities) {
  EXPECT_EQ(XmlRefusal(R"(<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>)"
                    "<methodCall><methodName>&e;</methodName></methodCall>"),
            "a DOCTYPE is not allowed in XML-RPC");
  EXPECT_EQ(XmlRefusal(R"(<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><methodCall/>)"),
            "a DOCTYPE is not allowed in XML-RPC");
}

TEST(XmlRpcParse, RefusesMalformedInput) {
  EXPECT_EQ(XmlRefusal("not xml"), "the request is not well-formed XML");
  EXPECT_EQ(XmlRefusal("<methodCall><methodName>m</methodName>"), "the request is not well-formed XML");
  EXPECT_EQ(XmlRefusal("<methodResponse/>"), "invalid XML-RPC request: expected a <methodCall>");
  EXPECT_EQ(XmlRefusal("<methodCall><params/></methodCall>"), "invalid XML-RPC request: the <methodName> is missing");
  EXPECT_EQ(XmlRefusal(Call("<param><value><int>12x</int></value></param>")),
            "invalid XML-RPC request: invalid integer value");
  EXPECT_EQ(XmlRefusal(Call("<param><value><int>99999999999999999999</int></value></param>")),
            "invalid XML-RPC request: invalid integer value");
  EXPECT_EQ(XmlRefusal(Call("<param><value><boolean>true</boolean></value></param>")),
            "invalid XML-RPC request: invalid boolean value");
  EXPECT_EQ(XmlRefusal(Call("<param><value><double>nan</double></value></param>")),
            "invalid XML-RPC request: invalid double value");
  EXPECT_EQ(XmlRefusal(Call("<param><value><dateTime.iso8601>2026-01-23T10:00:00</dateTime.iso8601></value></param>")),
            "invalid XML-RPC request: invalid dateTime.iso8601 value");
  EXPECT_EQ(XmlRefusal(Call("<param><value><script/></value></param>")),
            "invalid XML-RPC request: unknown value type <script>");
  EXPECT_EQ(XmlRefusal(Call("<param><value><int>1</int><int>2</int></value></param>")),
            "invalid XML-RPC request: a <value> holds exactly one typed element");
  EXPECT_EQ(XmlRefusal(Call("<param><value><struct><member><value><int>1</int></value></member></struct></value></param>")),
            "invalid XML-RPC request: a <member> holds a <name> and a <value>");
}

TEST(XmlRpcParse, BoundsDepthCountAndSize) {
  std::string nested = "<value><int>1</int></value>";
  for (int i = 0; i < 40; ++i) nested = "<value><array><data>" + nested + "</data></array></value>";
  EXPECT_EQ(XmlRefusal(Call("<param>" + nested + "</param>")), "invalid XML-RPC request: values nested too deeply");

  std::string many;
  for (int i = 0; i < 50; ++i) many += "<value><int>1</int></value>";
  XmlRpcLimits small;
  small.max_values = 20;
  EXPECT_EQ(XmlRefusal(Call("<param><value><array><data>" + many + "</data></array></value></param>"), small),
            "invalid XML-RPC request: too many values in the request");
  small.max_body_bytes = 10;
  EXPECT_EQ(XmlRefusal(kPythonCall, small), "the request is too large");
}

// The tree libxml2 builds is bounded while it is built: a body of empty
// elements, comments, processing instructions or CDATA sections stops at
// 6 nodes per allowed value (+64), before the walk could count values.
TEST(XmlRpcParse, BoundsTheTreeWhileItIsBuilt) {
  XmlRpcLimits small;
  small.max_values = 20;  // 184 nodes
  const std::string refused = "invalid XML-RPC request: more than 184 XML nodes";
  auto times = [](std::string_view piece, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += piece;
    return out;
  };
  EXPECT_EQ(XmlRefusal(Call("<param><value><string>" + times("<a/>", 200) + "</string></value></param>"), small),
            refused);
  EXPECT_EQ(XmlRefusal(Call("<param><value><string>x</string></value></param>" + times("<!---->", 200)), small),
            refused);
  EXPECT_EQ(XmlRefusal(Call("<param><value><string>x</string></value></param>" + times("<?pi x?>", 200)), small),
            refused);
  EXPECT_EQ(XmlRefusal(Call("<param><value><string>" + times("<![CDATA[x]]>", 200) + "</string></value></param>"),
                       small),
            refused);
  // The densest call the walk allows fits: a struct of 9 members, each an
  // array of one int (19 values, 66 elements).
  std::string members;
  for (int i = 0; i < 9; ++i) {
    members += "<member><name>m" + std::to_string(i) +
               "</name><value><array><data><value><int>1</int></value></data></array></value></member>";
  }
  EXPECT_EQ(XmlRefusal(Call("<param><value><struct>" + members + "</struct></value></param>"), small), "accepted");
  // Beside a refusal, the next parse on the thread starts with a full budget.
  EXPECT_EQ(XmlRefusal(kPythonCall), "accepted");
}

std::string Param(std::string_view value) {
  return "<param><value>" + std::string(value) + "</value></param>";
}

std::string Member(std::string_view name) {
  return "<struct><member><name>" + std::string(name) +
         "</name><value><int>1</int></value></member></struct>";
}

TEST(XmlRpcParse, BoundsEachStringBase64AndMemberName) {
  XmlRpcLimits small;
  small.max_string_bytes = 8;
  small.max_name_bytes = 4;
  const std::string too_long = "invalid XML-RPC request: a string is longer than 8 bytes";
  for (const std::string open : {"<string>", ""}) {  // typed and untyped
    const std::string close = open.empty() ? "" : "</string>";
    EXPECT_EQ(XmlRefusal(Call(Param(open + "12345678" + close)), small), "accepted") << open;
    EXPECT_EQ(XmlRefusal(Call(Param(open + "123456789" + close)), small), too_long) << open;
  }
  // Bytes of the decoded text: an entity is one byte, "é" two; CDATA
  // sections and text are joined before the count.
  auto decoded = ParseXmlRpcCall(Call(Param("<string>&amp;&lt;&gt;&#65;\xc3\xa9" "12</string>") +
                                      Param("<string><![CDATA[1234]]>5678</string>")),
                                 small);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->params, Value::parse(R"(["&<>A\u00e912", "12345678"])"));
  EXPECT_EQ(XmlRefusal(Call(Param("<string>&amp;&lt;&gt;&#65;\xc3\xa9" "123</string>")), small), too_long);
  EXPECT_EQ(XmlRefusal(Call(Param("<string><![CDATA[1234]]>56789</string>")), small), too_long);

  // base64: the text kept, so the whitespace around it (Python's Binary
  // sends line breaks there) does not count; line breaks inside do.
  auto base64 = ParseXmlRpcCall(
      Call(Param("<base64>\n  QUJDREVG \n</base64>") + Param("<base64>QUJD\nQUI</base64>")), small);
  ASSERT_TRUE(base64) << base64.error().message;
  EXPECT_EQ(base64->params, Value::parse(R"(["QUJDREVG", "QUJD\nQUI"])"));
  EXPECT_EQ(XmlRefusal(Call(Param("<base64>\nQUJDREVGS\n</base64>")), small),
            "invalid XML-RPC request: a base64 value is longer than 8 bytes");
  EXPECT_EQ(XmlRefusal(Call(Param("<base64>QUJD\nREVG</base64>")), small),
            "invalid XML-RPC request: a base64 value is longer than 8 bytes");

  // Member names, untrimmed as Python keeps them.
  auto names = ParseXmlRpcCall(Call(Param(Member("abcd")) + Param(Member(" abc"))), small);
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(names->params, Value::parse(R"([{"abcd": 1}, {" abc": 1}])"));
  EXPECT_EQ(XmlRefusal(Call(Param(Member("abcde"))), small),
            "invalid XML-RPC request: a member name is longer than 4 bytes");
  EXPECT_EQ(XmlRefusal(Call(Param(Member(" abcd"))), small),
            "invalid XML-RPC request: a member name is longer than 4 bytes");

  // The scalars' text is bounded too, and the method name by its own 256.
  EXPECT_EQ(XmlRefusal(Call(Param("<int>123456789</int>")), small),
            "invalid XML-RPC request: the text of <int> is longer than 8 bytes");
  const std::string name(256, 'm');
  EXPECT_EQ(XmlRefusal("<methodCall><methodName> " + name + " </methodName></methodCall>"), "accepted");
  EXPECT_EQ(XmlRefusal("<methodCall><methodName>" + name + "m</methodName></methodCall>"),
            "invalid XML-RPC request: the method name is longer than 256 bytes");
}

// A binary as large as a call can carry (12 MiB: base64 of exactly 16 MiB)
// passes the default bounds; one byte more is refused. The body cap is raised
// to leave room for the envelope, as only the string bound is under test.
TEST(XmlRpcParse, DefaultBoundsFitTheLargestBinaryACallCarries) {
  const XmlRpcLimits defaults;
  ASSERT_EQ(defaults.max_string_bytes, std::size_t{16} * 1024 * 1024);
  ASSERT_EQ(defaults.max_name_bytes, 1024u);
  XmlRpcLimits roomy;
  roomy.max_body_bytes = 2 * defaults.max_string_bytes;
  const std::string base64(defaults.max_string_bytes, 'A');
  for (const std::string type : {"base64", "string"}) {
    auto call = ParseXmlRpcCall(Call(Param("<" + type + ">" + base64 + "</" + type + ">")), roomy);
    ASSERT_TRUE(call) << type << ": " << call.error().message;
    EXPECT_EQ(call->params[0].get_ref<const std::string&>().size(), base64.size()) << type;
    EXPECT_EQ(XmlRefusal(Call(Param("<" + type + ">" + base64 + "A</" + type + ">")), roomy),
              "invalid XML-RPC request: a " + std::string(type == "base64" ? "base64 value" : "string") +
                  " is longer than 16777216 bytes");
  }
  // Python's Binary puts line breaks around its text: not kept in a
  // <base64>, so not counted; a <string> keeps (and counts) them.
  EXPECT_EQ(XmlRefusal(Call(Param("<base64>\n" + base64 + "\n</base64>")), roomy), "accepted");
  EXPECT_EQ(XmlRefusal(Call(Param("<string>\n" + base64 + "\n</string>")), roomy),
            "invalid XML-RPC request: a string is longer than 16777216 bytes");
  EXPECT_EQ(XmlRefusal(Call(Param(Member(std::string(1024, 'n'))))), "accepted");
  EXPECT_EQ(XmlRefusal(Call(Param(Member(std::string(1025, 'n'))))),
            "invalid XML-RPC request: a member name is longer than 1024 bytes");
}

// libxml2 2.9 cut a text node past 10,000,000 bytes short (when it arrived in
// pieces, as around an entity), dropped the rest of the document and still
// called it well-formed: such a string, within the bound, arrives whole.
TEST(XmlRpcParse, LongTextIsNeverCutShort) {
  std::string text;
  while (text.size() < 12'000'000) text += std::string(999, 'x') + "&amp;";
  auto call = ParseXmlRpcCall(Call(Param("<string>" + text + "</string>") + Param("<int>7</int>")));
  ASSERT_TRUE(call) << call.error().message;
  ASSERT_EQ(call->params.size(), 2u);
  EXPECT_EQ(call->params[0].get_ref<const std::string&>().size(), text.size() / 1004 * 1000);
  EXPECT_EQ(call->params[1], 7);
}

TEST(XmlRpcSerialize, ResponseIsWhatOdooSends) {
  auto xml = SerializeXmlRpcResponse(Value::parse(R"([1, "x", {"k": false}])"));
  ASSERT_TRUE(xml);
  // Python's marshaller inside Odoo's envelope (controllers/rpc.py dumps).
  EXPECT_EQ(*xml,
            "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
            "<value><int>1</int></value>\n<value><string>x</string></value>\n<value><struct>\n"
            "<member>\n<name>k</name>\n<value><boolean>0</boolean></value>\n</member>\n"
            "</struct></value>\n</data></array></value>\n</param>\n</params>\n\n</methodResponse>\n");
}

TEST(XmlRpcSerialize, EscapesMarkupAndDropsControlCharacters) {
  auto xml = SerializeXmlRpcResponse(Value(std::string("a<b>&\x01\x1f\tc\n")));
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("<value><string>a&lt;b&gt;&amp;\tc\n</string></value>"), std::string::npos) << *xml;
}

TEST(XmlRpcSerialize, IntegersOutside32BitsAreRefusedAsOdooDoes) {
  EXPECT_TRUE(SerializeXmlRpcResponse(Value(2147483647)));
  EXPECT_TRUE(SerializeXmlRpcResponse(Value(-2147483648LL)));
  auto big = SerializeXmlRpcResponse(Value(2147483648LL));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message, "int exceeds XML-RPC limits");
}

TEST(XmlRpcSerialize, FaultsCarryCodeAndString) {
  EXPECT_EQ(SerializeXmlRpcFault(4, "no"),
            "<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n"
            "<name>faultCode</name>\n<value><int>4</int></value>\n</member>\n<member>\n"
            "<name>faultString</name>\n<value><string>no</string></value>\n</member>\n"
            "</struct></value>\n</fault>\n\n</methodResponse>\n");
  EXPECT_NE(SerializeXmlRpcFault("AccessDenied", "x").find("<value><string>AccessDenied</string></value>"),
            std::string::npos);
}

TEST(XmlRpcRoundTrip, ParsedResponseValuesMatch) {
  const Value value = Value::parse(R"({"ids": [1, 2], "name": "Zoë & Co", "rate": 0.1, "ok": true})");
  auto xml = SerializeXmlRpcResponse(value);
  ASSERT_TRUE(xml);
  // The response's <params> parsed back as a call's params.
  std::string as_call = *xml;
  as_call.replace(as_call.find("<methodResponse>"), 16, "<methodCall><methodName>r</methodName>");
  as_call.replace(as_call.find("</methodResponse>"), 17, "</methodCall>");
  auto call = ParseXmlRpcCall(as_call);
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(call->params[0], value);
}

}  // namespace
}  // namespace citadel::rpc
