/**
 * Reference data for the simulator: real Microsoft first-party application ids (as they appear
 * in every tenant's sign-in logs), third-party SaaS apps, office locations, devices, user agents
 * and Entra sign-in error codes with their messages.
 */

export interface AppInfo {
  appId: string;
  displayName: string;
  /** Relative popularity among user sign-ins. */
  weight: number;
  /** Resource most often requested by this client. */
  resource: ResourceInfo;
  firstParty: boolean;
  /** Supports legacy protocols (clientAppUsed other than Browser / Mobile Apps and Desktop clients). */
  legacy?: boolean;
}

export interface ResourceInfo {
  id: string;
  displayName: string;
}

export const RESOURCES = {
  graph: { id: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph' },
  exchange: { id: '00000002-0000-0ff1-ce00-000000000000', displayName: 'Office 365 Exchange Online' },
  sharepoint: { id: '00000003-0000-0ff1-ce00-000000000000', displayName: 'Office 365 SharePoint Online' },
  teams: { id: 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', displayName: 'Microsoft Teams Services' },
  azureManagement: {
    id: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
    displayName: 'Windows Azure Service Management API',
  },
  keyVault: { id: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093', displayName: 'Azure Key Vault' },
  storage: { id: 'e406a681-f3d4-42a8-90b6-c2b029497af1', displayName: 'Azure Storage' },
  windowsAzureAD: {
    id: '00000002-0000-0000-c000-000000000000',
    displayName: 'Windows Azure Active Directory',
  },
} as const satisfies Record<string, ResourceInfo>;

export const FIRST_PARTY_APPS: readonly AppInfo[] = [
  {
    appId: '00000002-0000-0ff1-ce00-000000000000',
    displayName: 'Office 365 Exchange Online',
    weight: 14,
    resource: RESOURCES.exchange,
    firstParty: true,
    legacy: true,
  },
  {
    appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
    displayName: 'Microsoft Teams',
    weight: 18,
    resource: RESOURCES.teams,
    firstParty: true,
  },
  {
    appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
    displayName: 'Microsoft Office',
    weight: 12,
    resource: RESOURCES.sharepoint,
    firstParty: true,
  },
  {
    appId: '4765445b-32c6-49b0-83e6-1d93765276ca',
    displayName: 'OfficeHome',
    weight: 8,
    resource: RESOURCES.graph,
    firstParty: true,
  },
  {
    appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
    displayName: 'Azure Portal',
    weight: 4,
    resource: RESOURCES.azureManagement,
    firstParty: true,
  },
  {
    appId: '00000003-0000-0ff1-ce00-000000000000',
    displayName: 'Office 365 SharePoint Online',
    weight: 9,
    resource: RESOURCES.sharepoint,
    firstParty: true,
  },
  {
    appId: '27922004-5251-4030-b22d-91ecd9a37ea4',
    displayName: 'Outlook Mobile',
    weight: 7,
    resource: RESOURCES.exchange,
    firstParty: true,
  },
  {
    appId: 'ab9b8c07-8f02-4f72-87fa-80105867a763',
    displayName: 'OneDrive SyncEngine',
    weight: 6,
    resource: RESOURCES.sharepoint,
    firstParty: true,
  },
  {
    appId: '2793995e-0a7d-40d7-bd35-6968ba142197',
    displayName: 'My Apps',
    weight: 2,
    resource: RESOURCES.graph,
    firstParty: true,
  },
  {
    appId: '38aa3b87-a06d-4817-b275-7a316988d93b',
    displayName: 'Windows Sign In',
    weight: 8,
    resource: RESOURCES.windowsAzureAD,
    firstParty: true,
  },
  {
    appId: '29d9ed98-a469-4536-ade2-f981bc1d605e',
    displayName: 'Microsoft Authentication Broker',
    weight: 5,
    resource: RESOURCES.windowsAzureAD,
    firstParty: true,
  },
  {
    appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    displayName: 'Microsoft Azure CLI',
    weight: 1,
    resource: RESOURCES.azureManagement,
    firstParty: true,
  },
  {
    appId: '1950a258-227b-4e31-a9cf-717495945fc2',
    displayName: 'Microsoft Azure PowerShell',
    weight: 1,
    resource: RESOURCES.azureManagement,
    firstParty: true,
  },
  {
    appId: 'ecd6b820-32c2-49b6-98a6-444530e5a77a',
    displayName: 'Microsoft Edge',
    weight: 3,
    resource: RESOURCES.graph,
    firstParty: true,
  },
];

/** Third-party SaaS (enterprise applications); their app ids are per tenant, so the simulator makes them. */
export const THIRD_PARTY_APP_NAMES: readonly string[] = [
  'Salesforce',
  'Workday',
  'ServiceNow',
  'Adobe Creative Cloud',
  'Slack',
  'Zoom',
  'Atlassian Cloud',
  'DocuSign',
  'Box',
  'GitHub Enterprise Cloud',
];

export interface City {
  city: string;
  state: string;
  countryOrRegion: string;
  latitude: number;
  longitude: number;
  /**
   * Hours from UTC in standard time. Only for static choices (the nearest Azure region); local
   * times use `timeZone`, which follows daylight saving.
   */
  utcOffset: number;
  /** IANA time zone: local hours and weekdays come from it (`localHour` in types.ts). */
  timeZone: string;
  /** A documentation-range-free but plausible public IPv4 prefix for the office. */
  ipPrefix: string;
}

export const OFFICES: readonly City[] = [
  {
    city: 'Redmond',
    state: 'Washington',
    countryOrRegion: 'US',
    latitude: 47.674,
    longitude: -122.1215,
    utcOffset: -8,
    timeZone: 'America/Los_Angeles',
    ipPrefix: '131.107',
  },
  {
    city: 'New York',
    state: 'New York',
    countryOrRegion: 'US',
    latitude: 40.7128,
    longitude: -74.006,
    utcOffset: -5,
    timeZone: 'America/New_York',
    ipPrefix: '165.225',
  },
  {
    city: 'Chicago',
    state: 'Illinois',
    countryOrRegion: 'US',
    latitude: 41.8781,
    longitude: -87.6298,
    utcOffset: -6,
    timeZone: 'America/Chicago',
    ipPrefix: '72.21',
  },
  {
    city: 'London',
    state: 'England',
    countryOrRegion: 'GB',
    latitude: 51.5072,
    longitude: -0.1276,
    utcOffset: 0,
    timeZone: 'Europe/London',
    ipPrefix: '81.2',
  },
  {
    city: 'Dublin',
    state: 'Dublin',
    countryOrRegion: 'IE',
    latitude: 53.3498,
    longitude: -6.2603,
    utcOffset: 0,
    timeZone: 'Europe/Dublin',
    ipPrefix: '87.198',
  },
  {
    city: 'Berlin',
    state: 'Berlin',
    countryOrRegion: 'DE',
    latitude: 52.52,
    longitude: 13.405,
    utcOffset: 1,
    timeZone: 'Europe/Berlin',
    ipPrefix: '85.214',
  },
  {
    city: 'Paris',
    state: 'Ile-de-France',
    countryOrRegion: 'FR',
    latitude: 48.8566,
    longitude: 2.3522,
    utcOffset: 1,
    timeZone: 'Europe/Paris',
    ipPrefix: '90.84',
  },
  {
    city: 'Bengaluru',
    state: 'Karnataka',
    countryOrRegion: 'IN',
    latitude: 12.9716,
    longitude: 77.5946,
    utcOffset: 5.5,
    timeZone: 'Asia/Kolkata',
    ipPrefix: '49.207',
  },
  {
    city: 'Singapore',
    state: 'Singapore',
    countryOrRegion: 'SG',
    latitude: 1.3521,
    longitude: 103.8198,
    utcOffset: 8,
    timeZone: 'Asia/Singapore',
    ipPrefix: '116.88',
  },
  {
    city: 'Sydney',
    state: 'New South Wales',
    countryOrRegion: 'AU',
    latitude: -33.8688,
    longitude: 151.2093,
    utcOffset: 10,
    timeZone: 'Australia/Sydney',
    ipPrefix: '101.160',
  },
  {
    city: 'Tokyo',
    state: 'Tokyo',
    countryOrRegion: 'JP',
    latitude: 35.6762,
    longitude: 139.6503,
    utcOffset: 9,
    timeZone: 'Asia/Tokyo',
    ipPrefix: '126.75',
  },
  {
    city: 'Sao Paulo',
    state: 'Sao Paulo',
    countryOrRegion: 'BR',
    latitude: -23.5505,
    longitude: -46.6333,
    utcOffset: -3,
    timeZone: 'America/Sao_Paulo',
    ipPrefix: '177.79',
  },
];

/** Places attacks come from: far from every office, often anonymising infrastructure. */
export const HOSTILE_LOCATIONS: readonly City[] = [
  {
    city: 'Moscow',
    state: 'Moscow',
    countryOrRegion: 'RU',
    latitude: 55.7558,
    longitude: 37.6173,
    utcOffset: 3,
    timeZone: 'Europe/Moscow',
    ipPrefix: '95.165',
  },
  {
    city: 'Lagos',
    state: 'Lagos',
    countryOrRegion: 'NG',
    latitude: 6.5244,
    longitude: 3.3792,
    utcOffset: 1,
    timeZone: 'Africa/Lagos',
    ipPrefix: '102.89',
  },
  {
    city: 'Hanoi',
    state: 'Hanoi',
    countryOrRegion: 'VN',
    latitude: 21.0278,
    longitude: 105.8342,
    utcOffset: 7,
    timeZone: 'Asia/Ho_Chi_Minh',
    ipPrefix: '14.232',
  },
  {
    city: 'Amsterdam',
    state: 'North Holland',
    countryOrRegion: 'NL',
    latitude: 52.3676,
    longitude: 4.9041,
    utcOffset: 1,
    timeZone: 'Europe/Amsterdam',
    ipPrefix: '185.220',
  },
  {
    city: 'Bucharest',
    state: 'Bucharest',
    countryOrRegion: 'RO',
    latitude: 44.4268,
    longitude: 26.1025,
    utcOffset: 2,
    timeZone: 'Europe/Bucharest',
    ipPrefix: '193.42',
  },
];

export const DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Engineering',
  'Finance',
  'Human Resources',
  'Legal',
  'Operations',
  'Support',
  'IT',
  'Executive',
] as const;

export const FIRST_NAMES = [
  'Adele',
  'Alex',
  'Allan',
  'Christie',
  'Debra',
  'Diego',
  'Emily',
  'Enrico',
  'Grady',
  'Henrietta',
  'Irvin',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Raul',
  'Sanjay',
  'Yuki',
  'Aiko',
  'Fatima',
  'Omar',
  'Chen',
  'Priya',
  'Lars',
  'Ingrid',
  'Mateo',
  'Sofia',
  'Liam',
  'Noah',
  'Olivia',
  'Emma',
  'Ava',
  'Lucas',
] as const;
export const LAST_NAMES = [
  'Vance',
  'Wilber',
  'Deyoung',
  'Cline',
  'Berg',
  'Siciliani',
  'Braun',
  'Bernardi',
  'Archie',
  'Gonzalez',
  'Sink',
  'Bhatt',
  'Lanzarotta',
  'Sherman',
  'Gu',
  'Holloway',
  'Robbins',
  'Bowen',
  'Graham',
  'Wilke',
  'Fernandez',
  'Gupta',
  'Perez',
  'Kumar',
  'Tanaka',
  'Sato',
  'Haddad',
  'Nasser',
  'Wei',
  'Iyer',
  'Nilsson',
  'Larsen',
  'Garcia',
  'Rossi',
  'Murphy',
  'Smith',
  'Johnson',
  'Brown',
  'Muller',
  'Silva',
] as const;

export interface DeviceProfile {
  operatingSystem: string;
  browser: string;
  userAgent: string;
  trustType: '' | 'Azure AD joined' | 'Hybrid Azure AD joined' | 'Azure AD registered';
  mobile: boolean;
}

export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  {
    operatingSystem: 'Windows10',
    browser: 'Edge 124.0.0',
    trustType: 'Azure AD joined',
    mobile: false,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
  },
  {
    operatingSystem: 'Windows10',
    browser: 'Chrome 124.0.0',
    trustType: 'Hybrid Azure AD joined',
    mobile: false,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  },
  {
    operatingSystem: 'MacOs',
    browser: 'Safari 17.4',
    trustType: 'Azure AD registered',
    mobile: false,
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  },
  {
    operatingSystem: 'MacOs',
    browser: 'Chrome 124.0.0',
    trustType: '',
    mobile: false,
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  },
  {
    operatingSystem: 'Ios 17.4.1',
    browser: 'Mobile Safari 17.4',
    trustType: 'Azure AD registered',
    mobile: true,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
  {
    operatingSystem: 'Android 14',
    browser: 'Chrome Mobile 124.0.6367',
    trustType: 'Azure AD registered',
    mobile: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  },
  {
    operatingSystem: 'Linux',
    browser: 'Firefox 125.0',
    trustType: '',
    mobile: false,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  },
];

/** Entra sign-in error codes with the failureReason text Entra writes. */
export const SIGN_IN_ERRORS = {
  50126: 'Error validating credentials due to invalid username or password.',
  50074: 'Strong Authentication is required.',
  50076:
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access this resource.',
  50140: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
  53003:
    'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  50053:
    'Account is locked because user tried to sign in too many times with an incorrect user ID or password.',
  500121: 'Authentication failed during strong authentication request.',
  50055: 'The password is expired.',
  50057: 'User account is disabled.',
  50158: 'External security challenge was not satisfied.',
  70043: 'The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.',
  7000215: 'Invalid client secret is provided.',
  7000222: 'The provided client secret keys are expired.',
  700016: 'Application with identifier was not found in the directory.',
  90094: 'Admin consent is required for the permissions requested by this application.',
  50097: 'Device authentication is required.',
  50125: 'Sign-in was interrupted due to a password reset or password registration entry.',
  16000:
    'Either multiple user identities are available for the current request or selected account is not supported for the scenario.',
  65001: 'The user or administrator has not consented to use the application.',
  81016: 'Invalid STS request.',
} as const satisfies Record<number, string>;

export type SignInErrorCode = keyof typeof SIGN_IN_ERRORS;
