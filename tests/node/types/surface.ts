// Compile-only: pkg/index.d.ts (hand-written) against the implementation's JSDoc types
// (pkg/src, read with allowJs + checkJs). It fails to compile when the two disagree on the
// public surface: an export, method or property on one side only, a different parameter count,
// or an implementation whose types do not fulfil the declaration.
//
// Direction: the declaration is deliberately richer in places (literal unions of error codes,
// ProofBody instead of `unknown` for inputs the implementation checks at run time), so exact
// type equality is not asked. Instead, for every export and every member of the classes:
//   - the keys are the same on both sides (nothing undeclared, nothing unimplemented);
//   - the implementation is assignable to the declaration (it accepts at least what is
//     declared and returns what is promised);
//   - functions and methods take the same number of parameters.

import type * as Decl from '../../../pkg/index.js';
import type * as Web from '../../../pkg/src/web.js';
import type * as Node from '../../../pkg/src/node.js';

/** Fails to compile unless `K` is never; the error names the offending keys. */
declare function none<K extends never>(): void;
/** Fails to compile unless `impl` is assignable to `D`; the error says which part is not. */
declare function fulfils<D>(impl: D): void;

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Keys on the first side only. */
type Only<A, B> = Exclude<keyof A, keyof B>;
/** The keys of the functions (or methods) whose parameter counts differ between the sides. */
type ArityMismatch<I, D> = {
  [K in keyof I & keyof D]: I[K] extends (...args: infer A) => unknown
    ? D[K] extends (...args: infer B) => unknown
      ? Same<A['length'], B['length']> extends true
        ? never
        : K
      : K
    : never;
}[keyof I & keyof D];
/** Constructor parameter counts, as a key when they differ. */
type CtorArityMismatch<I, D, K extends string> = I extends abstract new (...args: infer A) => unknown
  ? D extends abstract new (...args: infer B) => unknown
    ? Same<A['length'], B['length']> extends true
      ? never
      : K
    : K
  : never;

declare const web: typeof Web;
declare const node: typeof Node;
type WebEntry = typeof Web;
type NodeEntry = typeof Node;
type Declared = typeof Decl;

// The entries' value exports. (The bundler entry re-exports the web entry.)
none<Only<WebEntry, Declared>>();
none<Only<Declared, WebEntry>>();
none<Only<NodeEntry, Declared>>();
none<Only<Declared, NodeEntry>>();
// The error classes are compared below, without `cause`.
type Compared = Omit<Declared, 'MithrilVerificationError' | 'AggregatorError'>;
fulfils<Compared>(node);
// One declaration covers the three entries: `initSync(module?)`. The node and bundler entries'
// take no module; the web entry's needs one (declared so in its JSDoc), and takes every
// declared kind of it.
none<ArityMismatch<Omit<NodeEntry, 'initSync'>, Declared>>();
fulfils<Omit<Compared, 'initSync'>>(web);
none<ArityMismatch<Omit<WebEntry, 'initSync'>, Declared>>();
fulfils<(module: Decl.WasmSyncInput) => void>(web.initSync);

/** One class, both sides: instance keys, static keys, members' parameter counts, assignability. */
type ClassMismatch<I extends abstract new (...args: never[]) => unknown, D extends abstract new (...args: never[]) => unknown, Name extends string> =
  | `${Name}#${Only<InstanceType<I>, InstanceType<D>> & string}`
  | `${Name}#${Only<InstanceType<D>, InstanceType<I>> & string}`
  | `${Name}.${Only<I, D> & string}`
  | `${Name}.${Only<D, I> & string}`
  | `${Name}#${ArityMismatch<InstanceType<I>, InstanceType<D>> & string} (parameter count)`
  | `${Name}.${ArityMismatch<I, D> & string} (parameter count)`
  | CtorArityMismatch<I, D, `new ${Name} (parameter count)`>;
// Symbol keys ([Symbol.asyncDispose], [Symbol.hasInstance]) do not fit a template: compared here.
type SymbolKeys<T> = Extract<keyof T, symbol>;
type ClassSymbolMismatch<I extends abstract new (...args: never[]) => unknown, D extends abstract new (...args: never[]) => unknown> =
  | Exclude<SymbolKeys<InstanceType<I>>, SymbolKeys<InstanceType<D>>>
  | Exclude<SymbolKeys<InstanceType<D>>, SymbolKeys<InstanceType<I>>>
  | Exclude<SymbolKeys<I>, SymbolKeys<D>>
  | Exclude<SymbolKeys<D>, SymbolKeys<I>>;

none<ClassMismatch<typeof Web.CertificateVerifier, typeof Decl.CertificateVerifier, 'CertificateVerifier'>>();
none<ClassSymbolMismatch<typeof Web.CertificateVerifier, typeof Decl.CertificateVerifier>>();
none<ClassMismatch<typeof Web.MithrilVerificationError, typeof Decl.MithrilVerificationError, 'MithrilVerificationError'>>();
none<ClassSymbolMismatch<typeof Web.MithrilVerificationError, typeof Decl.MithrilVerificationError>>();
none<ClassMismatch<typeof Web.AggregatorError, typeof Decl.AggregatorError, 'AggregatorError'>>();
none<ClassSymbolMismatch<typeof Web.AggregatorError, typeof Decl.AggregatorError>>();
none<ClassMismatch<typeof Web.MemoryTrustStore, typeof Decl.MemoryTrustStore, 'MemoryTrustStore'>>();
none<ClassSymbolMismatch<typeof Web.MemoryTrustStore, typeof Decl.MemoryTrustStore>>();
none<ClassMismatch<typeof Web.LocalStorageTrustStore, typeof Decl.LocalStorageTrustStore, 'LocalStorageTrustStore'>>();
none<ClassSymbolMismatch<typeof Web.LocalStorageTrustStore, typeof Decl.LocalStorageTrustStore>>();
none<ClassMismatch<typeof Web.ChromeStorageTrustStore, typeof Decl.ChromeStorageTrustStore, 'ChromeStorageTrustStore'>>();
none<ClassSymbolMismatch<typeof Web.ChromeStorageTrustStore, typeof Decl.ChromeStorageTrustStore>>();
none<ClassMismatch<typeof Web.IndexedDbTrustStore, typeof Decl.IndexedDbTrustStore, 'IndexedDbTrustStore'>>();
none<ClassSymbolMismatch<typeof Web.IndexedDbTrustStore, typeof Decl.IndexedDbTrustStore>>();

// Assignability, member by member (a finer error than the whole class's): instance side, then
// static side (constructor, create, forNetwork).
declare const verifier: InstanceType<typeof Web.CertificateVerifier>;
fulfils<Decl.CertificateVerifier>(verifier);
fulfils<typeof Decl.CertificateVerifier>(web.CertificateVerifier);

// The error classes: their `cause` is Error's (unknown) in JSDoc, which a JavaScript class
// cannot narrow without redefining the property super() set; the declaration's is an object.
// Everything else is compared: the constructor takes the declared arguments, and the instance
// fulfils the declared one.
fulfils<Omit<Decl.MithrilVerificationError, 'cause'>>(new web.MithrilVerificationError('', { code: 'invalid_hex', numericCode: 0 }));
declare const verificationArgs: ConstructorParameters<typeof Decl.MithrilVerificationError>;
new web.MithrilVerificationError(...verificationArgs);
fulfils<Omit<Decl.AggregatorError, 'cause'>>(new web.AggregatorError('', { code: 'proof_unavailable', cause: { url: '' } }));
declare const aggregatorArgs: ConstructorParameters<typeof Decl.AggregatorError>;
new web.AggregatorError(...aggregatorArgs);
// The trust stores, whole (instance and static side).
fulfils<typeof Decl.MemoryTrustStore>(web.MemoryTrustStore);
fulfils<typeof Decl.LocalStorageTrustStore>(web.LocalStorageTrustStore);
fulfils<typeof Decl.ChromeStorageTrustStore>(web.ChromeStorageTrustStore);
fulfils<typeof Decl.IndexedDbTrustStore>(web.IndexedDbTrustStore);
