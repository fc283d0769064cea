#ifndef HERALD_CGMIME_SHIM_H
#define HERALD_CGMIME_SHIM_H
#include <gmime/gmime.h>

// GObject's type checks (GMIME_IS_MULTIPART...) are macros, which Swift does not import: one
// checked downcast per type the inbound parser walks. Each returns NULL when the object is of
// another type, so Swift never holds a pointer of the wrong type.
static inline GMimeMultipart *herald_gmime_as_multipart(GMimeObject *object) {
    return GMIME_IS_MULTIPART(object) ? (GMimeMultipart *)object : NULL;
}
static inline GMimeMessagePart *herald_gmime_as_message_part(GMimeObject *object) {
    return GMIME_IS_MESSAGE_PART(object) ? (GMimeMessagePart *)object : NULL;
}
static inline GMimePart *herald_gmime_as_part(GMimeObject *object) {
    return GMIME_IS_PART(object) ? (GMimePart *)object : NULL;
}
static inline GMimeObject *herald_gmime_message_object(GMimeMessage *message) {
    return (GMimeObject *)message;
}
static inline InternetAddressMailbox *herald_gmime_as_mailbox(InternetAddress *address) {
    return INTERNET_ADDRESS_IS_MAILBOX(address) ? (InternetAddressMailbox *)address : NULL;
}
static inline InternetAddressGroup *herald_gmime_as_group(InternetAddress *address) {
    return INTERNET_ADDRESS_IS_GROUP(address) ? (InternetAddressGroup *)address : NULL;
}
static inline GMimeStreamCat *herald_gmime_as_stream_cat(GMimeStream *stream) {
    return GMIME_IS_STREAM_CAT(stream) ? (GMimeStreamCat *)stream : NULL;
}
static inline GMimeStreamFilter *herald_gmime_as_stream_filter(GMimeStream *stream) {
    return GMIME_IS_STREAM_FILTER(stream) ? (GMimeStreamFilter *)stream : NULL;
}
// iconv_t is `void *`; (iconv_t) -1 is the failure value, which Swift cannot spell.
static inline int herald_gmime_iconv_failed(iconv_t cd) { return cd == (iconv_t) -1; }
#endif
