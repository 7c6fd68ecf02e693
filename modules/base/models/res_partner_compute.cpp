// res.partner's computed fields, as Odoo 18's res_partner.py:
// _compute_complete_name (_get_complete_name), _compute_commercial_partner,
// _compute_commercial_company_name, _compute_company_type and its inverse
// _write_company_type, _compute_email_formatted, _compute_contact_address
// (_display_address), _compute_partner_share.
#include <regex>
#include <string>
#include <vector>

#include "modules/base/models/model_values.hpp"
#include "modules/base/models/res_partner_behaviour.hpp"
#include "orm/compute.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

using orm::ComputeBatch;
using orm::Value;

std::string Str(const Value& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

// Whether a value is set: not null, false, "" or []. (res_partner_sync.cpp's
// Truthy also takes 0 as unset; the values tested here are strings and
// many2ones, never 0.)
bool IsSet(const Value& value) {
  if (value.is_null() || value == false) return false;
  if (value.is_string()) return !value.get<std::string>().empty();
  if (value.is_array()) return !value.empty();
  return true;
}

std::string Strip(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n\r\f\v");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\n\r\f\v");
  return text.substr(first, last - first + 1);
}

// Odoo's _get_complete_name; _complete_name_displayed_types are the types
// whose label stands in for a missing name.
void ComputeCompleteName(ComputeBatch& batch) {
  static const std::vector<std::pair<std::string, std::string>> kDisplayedTypes = {
      {"invoice", "Invoice Address"}, {"delivery", "Delivery Address"}, {"other", "Other Address"}};
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::string name = Str(batch.Get(i, "name"));
    const bool has_parent = IsSet(batch.Get(i, "parent_id"));
    if (IsSet(batch.Get(i, "company_name")) || has_parent) {
      if (name.empty()) {
        const std::string type = Str(batch.Get(i, "type"));
        for (const auto& [value, label] : kDisplayedTypes) {
          if (value == type) name = label;
        }
      }
      if (batch.Get(i, "is_company") != true) {
        std::string company = Str(batch.Get(i, "commercial_company_name"));
        if (company.empty()) company = Str(batch.Get(i, "parent_id.name"));
        name = company + ", " + name;
      }
    }
    batch.Set(i, "complete_name", Strip(name));
  }
}

void ComputeCommercialPartner(ComputeBatch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::int64_t parent_commercial = IdOf(batch.Get(i, "parent_id.commercial_partner_id"));
    if (batch.Get(i, "is_company") == true || !IsSet(batch.Get(i, "parent_id")) ||
        parent_commercial == 0) {
      batch.SetSelf(i, "commercial_partner_id");  // needs no id: a new partner's INSERT gives it
    } else {
      batch.Set(i, "commercial_partner_id", parent_commercial);
    }
  }
}

void ComputeCommercialCompanyName(ComputeBatch& batch) {
  // Odoo: p = commercial_partner_id; p.is_company and p.name or company_name.
  // The commercial partner's is_company is read through the record when it is
  // the record itself, else through the parent chain's top (is_company of
  // commercial_partner_id).
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Value& name = batch.Get(i, "commercial_partner_id.name");
    const bool is_company = batch.Get(i, "commercial_partner_id.is_company") == true;
    if (is_company && IsSet(name)) {
      batch.Set(i, "commercial_company_name", name);
    } else {
      const Value& company_name = batch.Get(i, "company_name");
      batch.Set(i, "commercial_company_name", IsSet(company_name) ? company_name : Value(false));
    }
  }
}

void ComputeCompanyType(ComputeBatch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch.Set(i, "company_type", batch.Get(i, "is_company") == true ? "company" : "person");
  }
}

// Odoo's tools.email_normalize_all: the addresses found, lower-cased.
std::vector<std::string> NormalizedEmails(const std::string& text) {
  static const std::regex kAddress(R"([^\s@<>,;:"'()\[\]]+@[^\s@<>,;:"'()\[\]]+\.[^\s@<>,;:"'()\[\]]+)");
  std::vector<std::string> found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kAddress); it != std::sregex_iterator(); ++it) {
    std::string address = it->str();
    for (char& c : address) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    found.push_back(address);
  }
  return found;
}

void ComputeEmailFormatted(ComputeBatch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::string email = Str(batch.Get(i, "email"));
    std::string name = Str(batch.Get(i, "name"));
    if (name.empty()) name = "False";  // Odoo's partner.name or u"False"
    const std::vector<std::string> emails = NormalizedEmails(email);
    if (!emails.empty()) {
      std::string joined;
      for (const auto& e : emails) joined += (joined.empty() ? "" : ",") + e;
      batch.Set(i, "email_formatted", FormatEmailAddress(name, joined));
    } else if (!email.empty()) {
      batch.Set(i, "email_formatted", FormatEmailAddress(name, email));
    } else {
      batch.Set(i, "email_formatted", false);
    }
  }
}

void ComputeContactAddress(ComputeBatch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Value values = Value::object();
    for (const char* field : {"street", "street2", "zip", "city"}) values[field] = Str(batch.Get(i, field));
    values["state_code"] = Str(batch.Get(i, "state_id.code"));
    values["state_name"] = Str(batch.Get(i, "state_id.name"));
    values["country_code"] = Str(batch.Get(i, "country_id.code"));
    values["country_name"] = Str(batch.Get(i, "country_id.name"));
    values["address_format"] = Str(batch.Get(i, "country_id.address_format"));
    values["company_name"] = Str(batch.Get(i, "commercial_company_name"));
    batch.Set(i, "contact_address", FormatAddress(values));
  }
}

void ComputePartnerShare(ComputeBatch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Value& users = batch.Get(i, "user_ids");
    const Value& shares = batch.Get(i, "user_ids.share");
    const Value& actives = batch.Get(i, "user_ids.active");
    bool superuser = false, internal = false;
    for (std::size_t u = 0; users.is_array() && u < users.size(); ++u) {
      if (users[u] == kSuperuserId) superuser = true;
      const bool active = !actives.is_array() || u >= actives.size() || actives[u] == true;
      const bool share = shares.is_array() && u < shares.size() && shares[u] == true;
      if (active && !share) internal = true;
    }
    batch.Set(i, "partner_share", !(superuser || internal));
  }
}

}  // namespace

std::string FormatEmailAddress(const std::string& name, const std::string& email) {
  if (name.empty()) return email;
  std::string escaped;
  for (char c : name) {
    if (c == '\\' || c == '"') escaped += '\\';
    escaped += c;
  }
  return "\"" + escaped + "\" <" + email + ">";
}

std::string FormatAddress(const Value& values) {
  std::string format = Str(values.value("address_format", Value("")));
  if (format.empty()) format = "%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s";
  if (!Str(values.value("company_name", Value(""))).empty()) format = "%(company_name)s\n" + format;
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == '(') {
      const auto close = format.find(")s", i + 2);
      if (close != std::string::npos) {
        out += Str(values.value(format.substr(i + 2, close - i - 2), Value("")));
        i = close + 1;
        continue;
      }
    }
    out += format[i];
  }
  return out;
}

void AddPartnerComputes(orm::ModelDef& def) {
  def.computes["_compute_complete_name"] = ComputeCompleteName;
  def.computes["_compute_commercial_partner"] = ComputeCommercialPartner;
  def.computes["_compute_commercial_company_name"] = ComputeCommercialCompanyName;
  def.computes["_compute_company_type"] = ComputeCompanyType;
  def.computes["_compute_email_formatted"] = ComputeEmailFormatted;
  def.computes["_compute_contact_address"] = ComputeContactAddress;
  def.computes["_compute_partner_share"] = ComputePartnerShare;
  def.inverses["_write_company_type"] = [](const orm::RecordSet& records, const Value& vals) {
    if (!vals.contains("company_type")) return;
    records.Write({{"is_company", vals["company_type"] == "company"}});
  };
}

}  // namespace citadel::modules::base
