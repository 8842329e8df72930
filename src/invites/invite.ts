/** An invitation to register in the console. */
export interface Invite {
  inviteId: string;
  /** When set, only this email may register with the link. */
  email: string | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}
