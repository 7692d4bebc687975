import { CreateSchema1795335000000 } from './1795335000000-CreateSchema';
import { SessionVersion1795421400000 } from './1795421400000-SessionVersion';
import { RefreshTokenFamilies1795507800000 } from './1795507800000-RefreshTokenFamilies';
import { DeveloperApps1795680600000 } from './1795680600000-DeveloperApps';
import { CodeRedirectUriSent1795767000000 } from './1795767000000-CodeRedirectUriSent';
import { OpenIdConnect1795853400000 } from './1795853400000-OpenIdConnect';
import { Apis1795939800000 } from './1795939800000-Apis';
import { ClientKeys1795939900000 } from './1795939900000-ClientKeys';
import { TokenRateLimits1796026300000 } from './1796026300000-TokenRateLimits';
import { ClientReviewVersion1796026400000 } from './1796026400000-ClientReviewVersion';
import { FamilyRotation1796112700000 } from './1796112700000-FamilyRotation';

// Listed explicitly (not globbed) so the same list loads under ts-jest, ts-node and compiled JS.
// Append new migrations; never edit or reorder one that has been merged.
export const migrations = [
  CreateSchema1795335000000,
  SessionVersion1795421400000,
  RefreshTokenFamilies1795507800000,
  DeveloperApps1795680600000,
  CodeRedirectUriSent1795767000000,
  OpenIdConnect1795853400000,
  Apis1795939800000,
  ClientKeys1795939900000,
  TokenRateLimits1796026300000,
  ClientReviewVersion1796026400000,
  FamilyRotation1796112700000,
];
