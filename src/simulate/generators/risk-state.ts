/**
 * Shared helpers of the sign-in and attack generators: fast identifiers and times drawn from the
 * handed Rng (the hot loops make millions of them), identifiers derived from a key (stable across
 * hours without drawing), and the ID Protection records (riskDetection, riskyUser,
 * servicePrincipalRiskDetection, riskyServicePrincipal) in the Graph v1.0 shape.
 *
 * Every record is a fresh tree: ingest normalisation repairs records in place (enum arrays such as
 * signInEventTypes included), so no object or array may be shared between records. Frozen
 * templates (`frozen`) are copied into records, never placed in them.
 */

import type { JsonWriter } from '../json.ts';
import type { City } from '../reference-data.ts';
import { Bits128, formatGuid, guid, type Rng, stableGuid, u32, writeGuid } from '../rng.ts';
import { HOUR, type SimRecord } from '../types.ts';

// ---------------------------------------------------------------------------------------------
// Identifiers
//
// Built with String.fromCharCode: it makes a flat one-byte string in one step. Concatenating the
// pieces instead makes a tree of cons strings that JSON.stringify must flatten later; measured on
// the 2-core machine, a GUID costs ~130 ns this way against ~800 ns, and serialises ~40% faster.

const H: number[] = [];
for (let i = 0; i < 16; i++) H.push('0123456789abcdef'.charCodeAt(i));
const ZERO = 48;
const B64: number[] = [];
for (let i = 0; i < 64; i++)
  B64.push('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i));

export { guid, u32 };
/** A GUID derived from a key (see rng.ts `stableGuid`). */
export const keyGuid = stableGuid;

/**
 * A sign-in request id: a GUID whose last byte is 00, as Entra's request ids are
 * (e.g. 933f20c0-efdf-477f-9586-e5cc566d2e00).
 */
export function requestId(rng: Rng): string {
  return formatGuid(u32(rng), u32(rng), u32(rng), u32(rng), true);
}

/** An uniqueTokenIdentifier: 16 random bytes in base64url without padding (22 characters, 4 draws). */
export function tokenId(rng: Rng): string {
  const a = u32(rng);
  const b = u32(rng);
  const c = u32(rng);
  const d = u32(rng);
  // 128 bits → 21 characters of 6 bits and a last one of 2 bits.
  return String.fromCharCode(
    B64[a >>> 26]!,
    B64[(a >>> 20) & 63]!,
    B64[(a >>> 14) & 63]!,
    B64[(a >>> 8) & 63]!,
    B64[(a >>> 2) & 63]!,
    B64[((a & 3) << 4) | (b >>> 28)]!,
    B64[(b >>> 22) & 63]!,
    B64[(b >>> 16) & 63]!,
    B64[(b >>> 10) & 63]!,
    B64[(b >>> 4) & 63]!,
    B64[((b & 15) << 2) | (c >>> 30)]!,
    B64[(c >>> 24) & 63]!,
    B64[(c >>> 18) & 63]!,
    B64[(c >>> 12) & 63]!,
    B64[(c >>> 6) & 63]!,
    B64[c & 63]!,
    B64[d >>> 26]!,
    B64[(d >>> 20) & 63]!,
    B64[(d >>> 14) & 63]!,
    B64[(d >>> 8) & 63]!,
    B64[(d >>> 2) & 63]!,
    B64[(d & 3) << 4]!,
  );
}

const TOKEN = new Bits128();

/** Writes a GUID from drawn bits (`formatGuid` of them; a request id when `requestId`). */
export function writeId(w: JsonWriter, x: Bits128, requestId: boolean): void {
  const p = w.reserve(36);
  writeGuid(w.buf, p, x, requestId);
  w.pos = p + 36;
}

/** Draws a token id (as `tokenId` does) and writes it into the writer: no string made. */
export function writeTokenId(w: JsonWriter, rng: Rng): void {
  const x = TOKEN.draw(rng);
  const p = w.reserve(22);
  const buf = w.buf;
  const { a, b, c, d } = x;
  buf[p] = B64[a >>> 26]!;
  buf[p + 1] = B64[(a >>> 20) & 63]!;
  buf[p + 2] = B64[(a >>> 14) & 63]!;
  buf[p + 3] = B64[(a >>> 8) & 63]!;
  buf[p + 4] = B64[(a >>> 2) & 63]!;
  buf[p + 5] = B64[((a & 3) << 4) | (b >>> 28)]!;
  buf[p + 6] = B64[(b >>> 22) & 63]!;
  buf[p + 7] = B64[(b >>> 16) & 63]!;
  buf[p + 8] = B64[(b >>> 10) & 63]!;
  buf[p + 9] = B64[(b >>> 4) & 63]!;
  buf[p + 10] = B64[((b & 15) << 2) | (c >>> 30)]!;
  buf[p + 11] = B64[(c >>> 24) & 63]!;
  buf[p + 12] = B64[(c >>> 18) & 63]!;
  buf[p + 13] = B64[(c >>> 12) & 63]!;
  buf[p + 14] = B64[(c >>> 6) & 63]!;
  buf[p + 15] = B64[c & 63]!;
  buf[p + 16] = B64[d >>> 26]!;
  buf[p + 17] = B64[(d >>> 20) & 63]!;
  buf[p + 18] = B64[(d >>> 14) & 63]!;
  buf[p + 19] = B64[(d >>> 8) & 63]!;
  buf[p + 20] = B64[(d >>> 2) & 63]!;
  buf[p + 21] = B64[(d & 3) << 4]!;
  w.pos = p + 22;
}

/** Lower-case hex of n characters (ID Protection detection ids are 64 hex characters). */
export function hexId(rng: Rng, n: number): string {
  const codes: number[] = [];
  for (let i = 0; i < n; i += 8) {
    const w = u32(rng);
    for (let k = 28; k >= 0 && codes.length < n; k -= 4) codes.push(H[(w >>> k) & 15]!);
  }
  return String.fromCharCode(...codes);
}

// ---------------------------------------------------------------------------------------------
// Times

let cachedHour = Number.NaN;
const prefix: number[] = [];

/** The start of the hour `whole` falls in; `prefix` then holds its ISO text's first 14 characters. */
function hourPrefix(whole: number): number {
  const hour = whole - (((whole % HOUR) + HOUR) % HOUR);
  if (hour !== cachedHour) {
    cachedHour = hour;
    const p = new Date(hour).toISOString();
    for (let i = 0; i < 14; i++) prefix[i] = p.charCodeAt(i);
  }
  return hour;
}

/**
 * `entraTime` without a Date per call: ISO 8601 UTC with 7 fractional digits taken from the
 * (fractional) millisecond value, e.g. 2024-05-14T09:18:02.1130421Z, as one flat string.
 */
export function fmtTime(ms: number): string {
  const whole = Math.floor(ms);
  const off = whole - hourPrefix(whole);
  const min = Math.floor(off / 60_000);
  const sec = Math.floor((off % 60_000) / 1000);
  const f = Math.floor((ms - Math.floor(ms / 1000) * 1000) * 10_000);
  const P = prefix;
  return String.fromCharCode(
    P[0]!,
    P[1]!,
    P[2]!,
    P[3]!,
    P[4]!,
    P[5]!,
    P[6]!,
    P[7]!,
    P[8]!,
    P[9]!,
    P[10]!,
    P[11]!,
    P[12]!,
    P[13]!,
    ZERO + Math.floor(min / 10),
    ZERO + (min % 10),
    58, // ':'
    ZERO + Math.floor(sec / 10),
    ZERO + (sec % 10),
    46, // '.'
    ZERO + Math.floor(f / 1_000_000),
    ZERO + (Math.floor(f / 100_000) % 10),
    ZERO + (Math.floor(f / 10_000) % 10),
    ZERO + (Math.floor(f / 1000) % 10),
    ZERO + (Math.floor(f / 100) % 10),
    ZERO + (Math.floor(f / 10) % 10),
    ZERO + (f % 10),
    90, // 'Z'
  );
}

/** Writes `fmtTime(ms)` into the writer (28 bytes) without making the string. */
export function writeTime(w: JsonWriter, ms: number): void {
  const whole = Math.floor(ms);
  const off = whole - hourPrefix(whole);
  const min = Math.floor(off / 60_000);
  const sec = Math.floor((off % 60_000) / 1000);
  const f = Math.floor((ms - Math.floor(ms / 1000) * 1000) * 10_000);
  const P = prefix;
  const p = w.reserve(28);
  const buf = w.buf;
  for (let i = 0; i < 14; i++) buf[p + i] = P[i]!;
  buf[p + 14] = ZERO + Math.floor(min / 10);
  buf[p + 15] = ZERO + (min % 10);
  buf[p + 16] = 58; // ':'
  buf[p + 17] = ZERO + Math.floor(sec / 10);
  buf[p + 18] = ZERO + (sec % 10);
  buf[p + 19] = 46; // '.'
  buf[p + 20] = ZERO + Math.floor(f / 1_000_000);
  buf[p + 21] = ZERO + (Math.floor(f / 100_000) % 10);
  buf[p + 22] = ZERO + (Math.floor(f / 10_000) % 10);
  buf[p + 23] = ZERO + (Math.floor(f / 1000) % 10);
  buf[p + 24] = ZERO + (Math.floor(f / 100) % 10);
  buf[p + 25] = ZERO + (Math.floor(f / 10) % 10);
  buf[p + 26] = ZERO + (f % 10);
  buf[p + 27] = 90; // 'Z'
  w.pos = p + 28;
}

// ---------------------------------------------------------------------------------------------
// Frozen templates (copied into records, never shared by them)

export const EMPTY: readonly string[] = Object.freeze([]);

/** A fresh copy of a short string array (Array.prototype.slice takes a slow path on frozen arrays). */
export function copyStrings(a: readonly string[]): string[] {
  switch (a.length) {
    case 0:
      return [];
    case 1:
      return [a[0]!];
    case 2:
      return [a[0]!, a[1]!];
    default:
      return [...a];
  }
}
export function frozen(values: readonly string[]): readonly string[] {
  return Object.freeze([...values]);
}

// ---------------------------------------------------------------------------------------------
// Geography

/** Great-circle distance in km. */
export function distanceKm(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A signInLocation for a city (fresh object). */
export function cityLocation(c: City): SimRecord {
  return {
    city: c.city,
    state: c.state,
    countryOrRegion: c.countryOrRegion,
    geoCoordinates: { altitude: null, latitude: c.latitude, longitude: c.longitude },
  };
}

// ---------------------------------------------------------------------------------------------
// ID Protection records

/** Entra detection metadata: how each detection is made and the MITRE technique it maps to. */
export const DETECTIONS = {
  passwordSpray: { timing: 'offline', source: 'IdentityProtection', mitre: 'T1110.003' },
  unlikelyTravel: { timing: 'offline', source: 'IdentityProtection', mitre: 'T1078' },
  anonymizedIPAddress: { timing: 'realtime', source: 'IdentityProtection', mitre: 'T1090.003' },
  unfamiliarFeatures: { timing: 'realtime', source: 'IdentityProtection', mitre: 'T1078' },
  maliciousIPAddress: { timing: 'offline', source: 'IdentityProtection', mitre: 'T1078' },
  suspiciousSignins: { timing: 'offline', source: 'IdentityProtection', mitre: 'T1078.004' },
  suspiciousAPITraffic: { timing: 'offline', source: 'IdentityProtection', mitre: 'T1087' },
} as const;
export type DetectionType = keyof typeof DETECTIONS;
export type RiskLevel = 'low' | 'medium' | 'high';

export interface UserRef {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

export interface DetectionInput {
  rng: Rng;
  type: DetectionType;
  level: RiskLevel;
  /** When the risky activity happened (the sign-in's time), ms. */
  activityTime: number;
  /** When ID Protection flagged it, ms. */
  detectedTime: number;
  requestId: string | null;
  correlationId: string | null;
  ipAddress: string;
  location: City;
  userAgent?: string;
  /** Extra additionalInfo entries after userAgent. */
  extraInfo?: { Key: string; Value: unknown }[];
}

function additionalInfo(d: DetectionInput): string {
  const info: { Key: string; Value: unknown }[] = [];
  if (d.userAgent !== undefined) info.push({ Key: 'userAgent', Value: d.userAgent });
  if (d.extraInfo) info.push(...d.extraInfo);
  info.push({ Key: 'alertUrl', Value: null });
  return JSON.stringify(info);
}

/** The fields user and service principal risk detections share (Graph riskDetection shape). */
function detectionFields(d: DetectionInput, activity: 'signin' | 'servicePrincipal'): SimRecord {
  const meta = DETECTIONS[d.type];
  const detected = fmtTime(d.detectedTime);
  return {
    id: hexId(d.rng, 64),
    requestId: d.requestId,
    correlationId: d.correlationId,
    riskEventType: d.type,
    riskState: 'atRisk',
    riskLevel: d.level,
    riskDetail: 'none',
    source: meta.source,
    detectionTimingType: meta.timing,
    activity,
    tokenIssuerType: 'AzureAD',
    ipAddress: d.ipAddress,
    location: cityLocation(d.location),
    activityDateTime: fmtTime(d.activityTime),
    detectedDateTime: detected,
    lastUpdatedDateTime: detected,
    additionalInfo: additionalInfo(d),
  };
}

/** A riskDetection (UserRiskEvents). Record time: activityDateTime. */
export function userRiskDetection(d: DetectionInput, user: UserRef): SimRecord {
  return {
    ...detectionFields(d, 'signin'),
    userId: user.id,
    userDisplayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    mitreTechniqueId: DETECTIONS[d.type].mitre,
  };
}

/** A riskyUser (RiskyUsers). Record time: riskLastUpdatedDateTime. */
export function riskyUser(user: UserRef, level: RiskLevel, updated: number): SimRecord {
  return {
    id: user.id,
    isDeleted: false,
    isProcessing: false,
    riskLastUpdatedDateTime: fmtTime(updated),
    riskLevel: level,
    riskState: 'atRisk',
    riskDetail: 'none',
    userDisplayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
  };
}

export interface SpRef {
  id: string;
  appId: string;
  displayName: string;
}

/** A servicePrincipalRiskDetection (ServicePrincipalRiskEvents). Record time: activityDateTime. */
export function spRiskDetection(
  d: DetectionInput,
  sp: SpRef,
  keyIds: readonly string[],
  activity: 'signin' | 'servicePrincipal',
): SimRecord {
  return {
    ...detectionFields(d, activity),
    servicePrincipalId: sp.id,
    servicePrincipalDisplayName: sp.displayName,
    appId: sp.appId,
    keyIds: copyStrings(keyIds),
  };
}

/** A riskyServicePrincipal (RiskyServicePrincipals). Record time: riskLastUpdatedDateTime. */
export function riskyServicePrincipal(sp: SpRef, level: RiskLevel, updated: number): SimRecord {
  return {
    id: sp.id,
    appId: sp.appId,
    displayName: sp.displayName,
    servicePrincipalType: 'Application',
    accountEnabled: true,
    isEnabled: true,
    isProcessing: false,
    riskLastUpdatedDateTime: fmtTime(updated),
    riskLevel: level,
    riskState: 'atRisk',
    riskDetail: 'none',
  };
}
