// The one door to @peculiar/x509. Its dependency injection (tsyringe) needs the
// Reflect metadata polyfill loaded first, so every file in wirestack imports x509
// from here and never from the package itself.

import "reflect-metadata";

export * from "@peculiar/x509";
