// persist: configuration macros shared by every header.
//
// PERSIST_HEADER_ONLY (PERSIST_DECL becomes inline): README, "Header-only use".
#ifndef PERSIST_CONFIG_HPP
#define PERSIST_CONFIG_HPP

#if defined(PERSIST_HEADER_ONLY)
#define PERSIST_DECL inline
#else
#define PERSIST_DECL
#endif

#endif
