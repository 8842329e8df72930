/** The one Slack workspace and app the fakes pretend to be, shared by every fake and request builder. */
export const TEAM_ID = "T0TEST";
export const TEAM_DOMAIN = "test-workspace";
export const WORKSPACE_URL = `https://${TEAM_DOMAIN}.slack.com/`;
export const APP_ID = "A0TEST";
export const BOT_USER_ID = "UBOT";
export const BOT_ID = "BBOT";
