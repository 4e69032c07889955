//! Version order, ecosystem by ecosystem, as each one's reference implementation orders them, and
//! OSV's affected ranges evaluated exactly as the OSV schema defines them. Pure; every version
//! string comes from a stranger, so nothing here panics and cost is linear in the input.
