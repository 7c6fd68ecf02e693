// Parsing an XML-RPC <methodCall> into orm::Value (see xmlrpc_codec.hpp).
//
// libxml2 builds the tree (a well-kept parser; the body is already bounded
// by the HTTP layer and again here); this file only walks it. Why a tree and
// not a streaming reader: a call is small, and walking a tree keeps every
// rule (one child per <value>, member = name + value) in one readable place.
// The tree's nodes are counted while libxml2 builds it (NodeBudget), since a
// tree is ~30 times the size of a body of empty elements: 16 MiB of `<a/>`
// made 540 MB, four such calls at once 2.1 GB.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rpc/xmlrpc_codec.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

struct DocumentDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct ContextDeleter {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};

// How many more nodes (elements, comments, processing instructions, CDATA
// sections) libxml2 may make for this body; past it the parse stops. Text
// nodes lie between those, so they are bounded too. One per thread: a parse
// runs start to end on its caller's thread.
struct NodeBudget {
  std::size_t left = 0;
  bool exceeded = false;
  xmlSAXHandler build{};  // libxml2's own tree-building handlers
};
thread_local NodeBudget* tl_budget = nullptr;

bool Spend(void* context) {
  if (tl_budget->left > 0) {
    --tl_budget->left;
    return true;
  }
  tl_budget->exceeded = true;
  xmlStopParser(static_cast<xmlParserCtxtPtr>(context));
  return false;
}

void CountedStartElement(void* context, const xmlChar* name, const xmlChar* prefix, const xmlChar* uri,
                         int namespaces, const xmlChar** namespace_list, int attributes, int defaulted,
                         const xmlChar** attribute_list) {
  if (Spend(context)) {
    tl_budget->build.startElementNs(context, name, prefix, uri, namespaces, namespace_list, attributes, defaulted,
                                    attribute_list);
  }
}
void CountedComment(void* context, const xmlChar* text) {
  if (Spend(context)) tl_budget->build.comment(context, text);
}
void CountedInstruction(void* context, const xmlChar* target, const xmlChar* data) {
  if (Spend(context)) tl_budget->build.processingInstruction(context, target, data);
}
void CountedCdata(void* context, const xmlChar* text, int length) {
  if (Spend(context)) tl_budget->build.cdataBlock(context, text, length);
}

// At most this many nodes for a call of `max_values` values: a <value>, its
// type's element, an array's <data>, a struct member's <member> and <name>;
// a <param> each; <methodCall>, <methodName>, <params>; some slack for
// comments.
std::size_t MaxNodes(const XmlRpcLimits& limits) { return 6 * limits.max_values + 64; }

// A refusal that unwinds the walk; turned into kInvalidArgument at the top.
struct Refusal {
  std::string message;
};

std::string_view Name(const xmlNode* node) {
  return reinterpret_cast<const char*>(node->name);
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool HasElementChild(const xmlNode* node) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

// The element children of `node`; text between elements must be blank.
std::vector<const xmlNode*> Elements(const xmlNode* node) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      out.push_back(child);
    } else if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->content != nullptr && !IsBlank(reinterpret_cast<const char*>(child->content))) {
        throw Refusal{"unexpected text inside <" + std::string(Name(node)) + ">"};
      }
    } else if (child->type != XML_COMMENT_NODE && child->type != XML_PI_NODE) {
      throw Refusal{"unexpected content inside <" + std::string(Name(node)) + ">"};
    }
  }
  return out;
}

// The text of a leaf element (text and CDATA only), joined from its nodes
// (libxml2 splits text at CDATA sections and may at entity references). With
// `trim`, leading and trailing XML whitespace is dropped. Refused ("<what> is
// longer than N bytes") as soon as the kept text passes `max_bytes`, while the
// nodes are joined, so no longer value is ever made. Bytes are those of the
// decoded text (entities resolved, UTF-8): what the value holds.
struct TextBound {
  std::string_view what;  // "a string", for the refusal; empty: "the text of <node>"
  std::size_t max_bytes;
  bool trim = false;
};

constexpr std::size_t kMaxMethodNameBytes = 256;
constexpr std::string_view kBlank = " \t\r\n";

std::string Text(const xmlNode* node, const TextBound& bound) {
  std::string text;
  std::size_t kept = 0;  // with `trim`: the length up to the last non-blank byte
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->content == nullptr) continue;
      std::string_view chunk(reinterpret_cast<const char*>(child->content));
      if (bound.trim) {
        if (text.empty()) {
          const auto first = chunk.find_first_not_of(kBlank);
          if (first == std::string_view::npos) continue;
          chunk.remove_prefix(first);
        }
        if (const auto last = chunk.find_last_not_of(kBlank); last != std::string_view::npos) {
          kept = text.size() + last + 1;
        }
      } else {
        kept = text.size() + chunk.size();
      }
      if (kept > bound.max_bytes) {
        const std::string what =
            bound.what.empty() ? "the text of <" + std::string(Name(node)) + ">" : std::string(bound.what);
        throw Refusal{what + " is longer than " + std::to_string(bound.max_bytes) + " bytes"};
      }
      text += chunk;
    } else if (child->type != XML_COMMENT_NODE) {
      throw Refusal{"<" + std::string(Name(node)) + "> may hold only text"};
    }
  }
  text.resize(kept);
  return text;
}

// The scalars below take their element's trimmed text.
Value ParseInteger(const std::string& text) {
  if (text.empty() || text.size() > 21) throw Refusal{"invalid integer value"};
  errno = 0;
  char* end = nullptr;
  const long long number = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) throw Refusal{"invalid integer value"};
  return Value(static_cast<std::int64_t>(number));
}

Value ParseDouble(const std::string& text) {
  if (text.empty() || text.size() > 64) throw Refusal{"invalid double value"};
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(number)) {
    throw Refusal{"invalid double value"};
  }
  return Value(number);
}

// Python's xmlrpc.client accepts "%Y%m%dT%H:%M:%S"; Odoo's datetime fields
// take "YYYY-MM-DD HH:MM:SS".
Value ParseDateTime(const std::string& text) {
  auto digits = [&](std::size_t from, std::size_t count) {
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  if (text.size() != 17 || text[8] != 'T' || text[11] != ':' || text[14] != ':' ||
      !digits(0, 8) || !digits(9, 2) || !digits(12, 2) || !digits(15, 2)) {
    throw Refusal{"invalid dateTime.iso8601 value"};
  }
  return Value(text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2) + " " +
               text.substr(9, 8));
}

class Walker {
 public:
  explicit Walker(const XmlRpcLimits& limits) : limits_(limits) {}

  Value ParseValue(const xmlNode* value, std::size_t depth) {
    if (Name(value) != "value") throw Refusal{"expected <value>, found <" + std::string(Name(value)) + ">"};
    if (++values_ > limits_.max_values) throw Refusal{"too many values in the request"};
    if (depth > limits_.max_depth) throw Refusal{"values nested too deeply"};
    if (!HasElementChild(value)) {
      return Value(Text(value, StringBound("a string")));  // untyped: a string
    }
    const std::vector<const xmlNode*> children = Elements(value);
    if (children.size() != 1) throw Refusal{"a <value> holds exactly one typed element"};
    const xmlNode* typed = children.front();
    const std::string_view type = Name(typed);
    if (type == "int" || type == "i4" || type == "i8") return ParseInteger(Text(typed, ScalarBound()));
    if (type == "boolean") {
      const std::string text = Text(typed, ScalarBound());
      if (text == "0" || text == "1") return Value(text == "1");
      throw Refusal{"invalid boolean value"};
    }
    if (type == "double") return ParseDouble(Text(typed, ScalarBound()));
    if (type == "string") return Value(Text(typed, StringBound("a string")));
    // Kept as text: the ORM's binary fields take base64 strings.
    if (type == "base64") {
      return Value(Text(typed, {"a base64 value", limits_.max_string_bytes, /*trim=*/true}));
    }
    if (type == "dateTime.iso8601") return ParseDateTime(Text(typed, ScalarBound()));
    if (type == "nil") {
      if (!Elements(typed).empty() || !Text(typed, ScalarBound()).empty()) {
        throw Refusal{"<nil/> must be empty"};
      }
      return Value(nullptr);
    }
    if (type == "array") return ParseArray(typed, depth);
    if (type == "struct") return ParseStruct(typed, depth);
    throw Refusal{"unknown value type <" + std::string(type) + ">"};
  }

 private:
  Value ParseArray(const xmlNode* array, std::size_t depth) {
    const std::vector<const xmlNode*> data = Elements(array);
    if (data.size() != 1 || Name(data.front()) != "data") throw Refusal{"an <array> holds one <data>"};
    Value out = Value::array();
    for (const xmlNode* item : Elements(data.front())) out.push_back(ParseValue(item, depth + 1));
    return out;
  }

  Value ParseStruct(const xmlNode* structure, std::size_t depth) {
    Value out = Value::object();
    for (const xmlNode* member : Elements(structure)) {
      if (Name(member) != "member") throw Refusal{"a <struct> holds only <member>s"};
      const std::vector<const xmlNode*> parts = Elements(member);
      if (parts.size() != 2 || Name(parts[0]) != "name") {
        throw Refusal{"a <member> holds a <name> and a <value>"};
      }
      // Untrimmed, as Python's unmarshaller keeps it; a repeated name: the
      // last wins, as Python's.
      out[Text(parts[0], {"a member name", limits_.max_name_bytes})] = ParseValue(parts[1], depth + 1);
    }
    return out;
  }

  TextBound StringBound(std::string_view what) const { return {what, limits_.max_string_bytes}; }
  // Trimmed. The typed scalars' own checks (an integer's 21 characters...)
  // follow; this only keeps their joining bounded.
  TextBound ScalarBound() const { return {"", limits_.max_string_bytes, /*trim=*/true}; }

  const XmlRpcLimits& limits_;
  std::size_t values_ = 0;
};

XmlRpcCall ParseCall(const xmlNode* root, const XmlRpcLimits& limits) {
  if (root == nullptr || Name(root) != "methodCall") throw Refusal{"expected a <methodCall>"};
  XmlRpcCall call;
  bool named = false;
  Walker walker(limits);
  for (const xmlNode* part : Elements(root)) {
    if (Name(part) == "methodName" && !named) {
      call.method = Text(part, {"the method name", kMaxMethodNameBytes, /*trim=*/true});
      named = true;
    } else if (Name(part) == "params") {
      for (const xmlNode* param : Elements(part)) {
        const std::vector<const xmlNode*> value = Elements(param);
        if (Name(param) != "param" || value.size() != 1) throw Refusal{"a <param> holds one <value>"};
        call.params.push_back(walker.ParseValue(value.front(), 1));
      }
    } else {
      throw Refusal{"unexpected <" + std::string(Name(part)) + "> in <methodCall>"};
    }
  }
  if (!named || call.method.empty()) throw Refusal{"the <methodName> is missing"};
  return call;
}

}  // namespace

core::Result<XmlRpcCall> ParseXmlRpcCall(std::string_view body, const XmlRpcLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the request is too large");
  }
  // No DTD at all: entities are how XML requests read files (XXE) or explode
  // in memory, and XML-RPC has no use for them.
  if (body.find("<!DOCTYPE") != std::string_view::npos || body.find("<!ENTITY") != std::string_view::npos) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "a DOCTYPE is not allowed in XML-RPC");
  }
  // XML_PARSE_HUGE lifts libxml2's own size limits (10,000,000 bytes of one
  // text node, element depth 256), which max_body_bytes and the walk's
  // limits replace: libxml2 2.9 cut a longer text node short, dropped the
  // rest of the document and still returned it as well-formed (a 12 MB
  // string with an &amp; in it), so the walk never saw the string. Its
  // parse and free of nested elements do not recurse. Any error libxml2
  // records refuses the body, well-formed or not.
  std::unique_ptr<xmlParserCtxt, ContextDeleter> context(xmlNewParserCtxt());
  if (!context || context->sax == nullptr) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the request is not well-formed XML");
  }
  NodeBudget budget{MaxNodes(limits), false, *context->sax};
  context->sax->startElementNs = CountedStartElement;
  context->sax->comment = CountedComment;
  context->sax->processingInstruction = CountedInstruction;
  context->sax->cdataBlock = CountedCdata;
  tl_budget = &budget;
  std::unique_ptr<xmlDoc, DocumentDeleter> doc(
      xmlCtxtReadMemory(context.get(), body.data(), static_cast<int>(body.size()), "request.xml", nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE));
  tl_budget = nullptr;
  if (budget.exceeded) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "invalid XML-RPC request: more than " + std::to_string(MaxNodes(limits)) + " XML nodes");
  }
  if (!doc || !context->wellFormed || context->errNo != XML_ERR_OK) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the request is not well-formed XML");
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "a DOCTYPE is not allowed in XML-RPC");
  }
  try {
    return ParseCall(xmlDocGetRootElement(doc.get()), limits);
  } catch (const Refusal& refusal) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "invalid XML-RPC request: " + refusal.message);
  }
}

}  // namespace citadel::rpc
