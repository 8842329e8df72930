/** Every action_id the app's blocks carry, in one place; listeners register on these. */
export const actionIds = {
  listPage: "customers_list_page",
  showCustomer: "customer_show",
  menuList: "menu_list",
  menuCreate: "menu_create",
  menuInvite: "menu_invite",
  menuPool: "menu_pool",
  menuApprovals: "menu_approvals",
  edit: "customer_edit",
  balance: "customer_balance",
  credits: "customer_credits",
  tag: "customer_tag",
  password: "customer_password",
  billing: "customer_billing",
  history: "customer_history",
  enable: "customer_enable",
  disable: "customer_disable",
  passwordConfirm: "password_confirm",
  passwordReplace: "password_replace",
  passwordCancel: "password_cancel",
  inviteRevoke: "invite_revoke",
  approve: "approval_approve",
  /** Previous/Next carry `:previous` / `:next` after these. */
  billingPage: "billing_page",
  historyPage: "history_page",
  reject: "approval_reject",
  /** The customer typeahead (an external_select answered by the options listener). */
  customerPicker: "customer_picker",
  /** The menu's Find a customer button and its “Act on a customer…” select (value = a pick purpose). */
  menuFind: "menu_find",
  menuPick: "menu_pick",
  /** App Home: the requester withdraws their own pending request. */
  withdraw: "approval_withdraw",
  /** Reverse on a billing details entry (value: the entry's ID). */
  reverseEntry: "ledger_reverse",
} as const;

/** callback_ids of the modals, and the block_id of each input (the field its errors belong to). */
export const viewIds = {
  createCustomer: "customer_create",
  editCustomer: "customer_edit",
  setTag: "customer_tag",
  invite: "customer_invite",
  balance: "customer_balance_form",
  credits: "customer_credits_form",
  reject: "approval_reject_form",
  /** Approve: the optional comment. */
  approve: "approval_approve_form",
  /** The picker modal (Find a customer, and the operations that need a customer first). */
  pickCustomer: "customer_pick_form",
  /** The message shortcut's form: refill, deduct or set credits for a picked customer. */
  messageChange: "message_change_form",
  /** The reason form of a ledger entry's reversal. */
  reverseEntry: "ledger_reverse_form",
  /** The block_id of the customer picker in any form. */
  customer: "customer",
} as const;

/** callback_ids of the global and message shortcuts (manifest.yml's `features.shortcuts`). */
export const shortcutIds = {
  findCustomer: "find_customer",
  newCustomer: "new_customer",
  changeBalance: "change_balance",
  requestCredits: "request_credits",
  requestChange: "request_change_for_message",
} as const;

/** Every input's action_id inside its block; the block_id names the field. */
export const inputActionId = "value";
