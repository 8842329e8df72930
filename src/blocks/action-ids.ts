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
} as const;

export type ActionId = (typeof actionIds)[keyof typeof actionIds];
