/** The only thing the queue needs to know about users. */
export abstract class UserDirectoryRepository {
  abstract exists(userId: string): Promise<boolean>;
}
