// Writing XML-RPC responses and faults as Odoo's marshaller does (see
// xmlrpc_codec.hpp): the same elements and line breaks as Python's
// xmlrpc.client.Marshaller inside Odoo's envelope (rpc.py dumps), so a
// client sees what Odoo would send.
#include <cstdint>
#include <limits>
#include <string>

#include "rpc/xmlrpc_codec.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

// Python's xml escape for XML-RPC: &, < and > (quotes need no escaping in
// element text); control characters XML 1.0 forbids are dropped, as Odoo's
// dump_unicode does, so a stray byte cannot break the client's parser.
void AppendEscaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 32 && byte != '\t' && byte != '\n' && byte != '\r') continue;
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
}

struct Unmarshallable {
  std::string message;
};

// Python's repr() of a float: the shortest text that reads back the same,
// which is also what nlohmann::json prints.
std::string DoubleText(double number) { return Value(number).dump(); }

void AppendValue(std::string& out, const Value& value) {
  switch (value.type()) {
    case Value::value_t::null: out += "<value><nil/></value>"; return;
    case Value::value_t::boolean:
      out += value.get<bool>() ? "<value><boolean>1</boolean></value>\n" : "<value><boolean>0</boolean></value>\n";
      return;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned: {
      if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::numeric_limits<std::int32_t>::max()) {
        throw Unmarshallable{"int exceeds XML-RPC limits"};
      }
      const std::int64_t number = value.get<std::int64_t>();
      if (number > std::numeric_limits<std::int32_t>::max() || number < std::numeric_limits<std::int32_t>::min()) {
        throw Unmarshallable{"int exceeds XML-RPC limits"};
      }
      out += "<value><int>" + std::to_string(number) + "</int></value>\n";
      return;
    }
    case Value::value_t::number_float:
      out += "<value><double>" + DoubleText(value.get<double>()) + "</double></value>\n";
      return;
    case Value::value_t::string:
      out += "<value><string>";
      AppendEscaped(out, value.get_ref<const std::string&>());
      out += "</string></value>\n";
      return;
    case Value::value_t::array:
      out += "<value><array><data>\n";
      for (const Value& item : value) AppendValue(out, item);
      out += "</data></array></value>\n";
      return;
    case Value::value_t::object:
      out += "<value><struct>\n";
      for (const auto& [key, member] : value.items()) {
        out += "<member>\n<name>";
        AppendEscaped(out, key);
        out += "</name>\n";
        AppendValue(out, member);
        out += "</member>\n";
      }
      out += "</struct></value>\n";
      return;
    default: throw Unmarshallable{"cannot marshal this value"};
  }
}

std::string Envelope(const std::string& body) {
  return "<?xml version=\"1.0\"?>\n<methodResponse>\n" + body + "\n</methodResponse>\n";
}

std::string Fault(const Value& code, std::string_view fault_string) {
  std::string body = "<fault>\n";
  Value fault = Value::object();
  fault["faultCode"] = code;
  fault["faultString"] = std::string(fault_string);
  AppendValue(body, fault);
  body += "</fault>\n";
  return Envelope(body);
}

}  // namespace

core::Result<std::string> SerializeXmlRpcResponse(const Value& result) {
  std::string body = "<params>\n<param>\n";
  try {
    AppendValue(body, result);
  } catch (const Unmarshallable& refusal) {
    return core::Fail(core::ErrorCode::kInvalidArgument, refusal.message);
  }
  body += "</param>\n</params>\n";
  return Envelope(body);
}

std::string SerializeXmlRpcFault(int fault_code, std::string_view fault_string) {
  return Fault(Value(fault_code), fault_string);
}

std::string SerializeXmlRpcFault(std::string_view fault_code, std::string_view fault_string) {
  return Fault(Value(std::string(fault_code)), fault_string);
}

}  // namespace citadel::rpc
