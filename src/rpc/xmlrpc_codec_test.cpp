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
