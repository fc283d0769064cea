#ifndef HERALD_CCURL_SHIM_H
#define HERALD_CCURL_SHIM_H
#include <curl/curl.h>

// CURLVERSION_NOW is a macro naming an enum case, which Swift does not import.
static inline curl_version_info_data *herald_curl_version_info(void) { return curl_version_info(CURLVERSION_NOW); }
#endif
