#include "http/certificate_builder.hpp"

#include <algorithm>
#include <ctime>

#include <openssl/bn.h>
#include <openssl/pem.h>

namespace citadel::http::certificates {
namespace {

using core::ErrorCode;

bool AddExtension(X509* certificate, X509V3_CTX* context, int nid, const std::string& value) {
  openssl::ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value.c_str()));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

std::string SubjectAltNameText(const CertificateSpec& spec) {
  std::string text;
  for (const auto& name : spec.dns_names) text += (text.empty() ? "DNS:" : ",DNS:") + name;
  for (const auto& address : spec.ip_addresses) {
    text += (text.empty() ? "IP:" : ",IP:") + address.ToString();
  }
  return text;
}

bool SetName(X509_NAME* name, const std::string& common_name) {
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                                      -1, 0) == 1;
  };
  return add("O", "Citadel") && add("CN", common_name);
}

}  // namespace

core::Result<openssl::PkeyPtr> GenerateP256Key() {
  openssl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return core::Fail(ErrorCode::kInternal, openssl::TakeErrorText("P-256 key generation failed"));
  return key;
}

core::Result<openssl::X509Ptr> IssueCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                                X509* issuer, EVP_PKEY* issuer_key,
                                                const std::string& extended_key_usage) {
  openssl::X509Ptr certificate(X509_new());
  openssl::BignumPtr serial(BN_new());
  // A random 159-bit serial: positive, under 20 octets, unpredictable.
  bool ok = certificate && serial && X509_set_version(certificate.get(), 2) == 1 &&
            BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) != nullptr &&
            ASN1_TIME_set(X509_getm_notBefore(certificate.get()),
                          static_cast<std::time_t>(spec.not_before)) != nullptr &&
            ASN1_TIME_set(X509_getm_notAfter(certificate.get()),
                          static_cast<std::time_t>(spec.not_after)) != nullptr &&
            X509_set_pubkey(certificate.get(), subject_key) == 1 &&
            SetName(X509_get_subject_name(certificate.get()), spec.common_name);
  if (!ok) return core::Fail(ErrorCode::kInternal, openssl::TakeErrorText("cannot build certificate"));

  X509* signer = issuer != nullptr ? issuer : certificate.get();
  ok = X509_set_issuer_name(certificate.get(), X509_get_subject_name(signer)) == 1;
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, signer, certificate.get(), nullptr, nullptr, 0);
  ok = ok && AddExtension(certificate.get(), &context, NID_subject_key_identifier, "hash") &&
       AddExtension(certificate.get(), &context, NID_authority_key_identifier, "keyid:always");
  if (spec.is_ca) {
    ok = ok &&
         AddExtension(certificate.get(), &context, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
         AddExtension(certificate.get(), &context, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && AddExtension(certificate.get(), &context, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExtension(certificate.get(), &context, NID_key_usage, "critical,digitalSignature") &&
         AddExtension(certificate.get(), &context, NID_ext_key_usage, extended_key_usage);
    std::string alt_names = SubjectAltNameText(spec);
    ok = ok && !alt_names.empty() &&
         AddExtension(certificate.get(), &context, NID_subject_alt_name, alt_names);
  }
  ok = ok && X509_sign(certificate.get(), issuer_key, EVP_sha256()) > 0;
  if (!ok) return core::Fail(ErrorCode::kInternal, openssl::TakeErrorText("cannot sign certificate"));
  return certificate;
}

std::string CertificatePem(X509* certificate) {
  openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) return {};
  return openssl::BioContents(bio.get());
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return {};
  }
  return openssl::BioContents(bio.get());
}

openssl::X509Ptr ParseCertificatePem(const std::string& pem) {
  auto bio = openssl::MemoryBio(pem);
  openssl::X509Ptr certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return certificate;
}

openssl::PkeyPtr ParsePrivateKeyPem(const std::string& pem) {
  auto bio = openssl::MemoryBio(pem);
  openssl::PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return key;
}

std::int64_t SecondsUntilExpiry(X509* certificate, std::int64_t now) {
  openssl::Asn1TimePtr now_time(ASN1_TIME_set(nullptr, static_cast<std::time_t>(now)));
  int days = 0;
  int seconds = 0;
  if (!now_time || ASN1_TIME_diff(&days, &seconds, now_time.get(), X509_get0_notAfter(certificate)) != 1) {
    return -1;
  }
  return static_cast<std::int64_t>(days) * 86'400 + seconds;
}

bool HasSubjectAltNames(X509* certificate, const std::vector<std::string>& dns_names,
                        const std::vector<core::IpAddress>& ip_addresses) {
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return dns_names.empty() && ip_addresses.empty();
  std::vector<std::string> present_dns;
  std::vector<core::IpAddress> present_ips;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      present_dns.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                               static_cast<std::size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      const unsigned char* data = ASN1_STRING_get0_data(ip);
      int length = ASN1_STRING_length(ip);
      core::IpAddress address;
      if (length == 4) {
        address.bytes[10] = 0xff;
        address.bytes[11] = 0xff;
        std::copy(data, data + 4, address.bytes.begin() + 12);
      } else if (length == 16) {
        std::copy(data, data + 16, address.bytes.begin());
      } else {
        continue;
      }
      present_ips.push_back(address);
    }
  }
  GENERAL_NAMES_free(names);
  auto contains = [](const auto& haystack, const auto& needle) {
    return std::find(haystack.begin(), haystack.end(), needle) != haystack.end();
  };
  return std::all_of(dns_names.begin(), dns_names.end(),
                     [&](const std::string& name) { return contains(present_dns, name); }) &&
         std::all_of(ip_addresses.begin(), ip_addresses.end(),
                     [&](const core::IpAddress& address) { return contains(present_ips, address); });
}

}  // namespace citadel::http::certificates
