// persist: configuration macros shared by every header.
//
// PERSIST_HEADER_ONLY: define it to use persist without linking libpersist.
// The out-of-line definitions (impl/*.ipp) are then compiled inline into each
// translation unit that includes <persist/src.hpp>.
#ifndef PERSIST_CONFIG_HPP
#define PERSIST_CONFIG_HPP

#if defined(PERSIST_HEADER_ONLY)
#define PERSIST_DECL inline
#else
#define PERSIST_DECL
#endif

#endif
