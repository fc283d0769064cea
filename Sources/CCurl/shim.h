#ifndef HERALD_CCURL_SHIM_H
#define HERALD_CCURL_SHIM_H
#include <curl/curl.h>

// CURLVERSION_NOW is a macro naming an enum case, which Swift does not import.
static inline curl_version_info_data *herald_curl_version_info(void) { return curl_version_info(CURLVERSION_NOW); }

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// wrapper per argument kind.
static inline CURLcode herald_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode herald_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode herald_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*herald_curl_read_function)(char *buffer, size_t size, size_t count, void *user);
static inline CURLcode herald_curl_set_read_function(CURL *handle, herald_curl_read_function function) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, function);
}
typedef int (*herald_curl_debug_function)(CURL *handle, curl_infotype type, char *data, size_t size, void *user);
static inline CURLcode herald_curl_set_debug_function(CURL *handle, herald_curl_debug_function function) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, function);
}
typedef size_t (*herald_curl_write_function)(char *data, size_t size, size_t count, void *user);
static inline CURLcode herald_curl_set_write_function(CURL *handle, herald_curl_write_function function) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, function);
}
static inline CURLcode herald_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode herald_curl_get_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
