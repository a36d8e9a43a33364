// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Test certificates, made at test time with the OpenSSL C API.

#ifndef LRS_TESTS_SUPPORT_TLS_UTIL_H_
#define LRS_TESTS_SUPPORT_TLS_UTIL_H_

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <string>

namespace lrs::testing {

// A self-signed certificate for `key` with subject CN=`cn`, valid from an
// hour ago for two hours; nullptr on failure. The caller frees it.
inline X509* SelfSignedCert(EVP_PKEY* key, const char* cn) {
  X509* cert = X509_new();
  if (cert == nullptr) return nullptr;
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (X509_sign(cert, key, EVP_sha256()) <= 0) {
    X509_free(cert);
    return nullptr;
  }
  return cert;
}

// Writes a self-signed P-256 certificate for CN=localhost and its key.
inline bool MakeSelfSigned(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = key != nullptr ? SelfSignedCert(key, "localhost") : nullptr;
  bool ok = cert != nullptr;
  if (ok) {
    FILE* f = std::fopen(key_path.c_str(), "wb");
    ok = f != nullptr && PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (f != nullptr) std::fclose(f);
  }
  if (ok) {
    FILE* f = std::fopen(cert_path.c_str(), "wb");
    ok = f != nullptr && PEM_write_X509(f, cert) == 1;
    if (f != nullptr) std::fclose(f);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace lrs::testing

#endif  // LRS_TESTS_SUPPORT_TLS_UTIL_H_
